using Azure;

namespace Pipeline.Functions.IAdvize;

/// <summary>What the pipeline knows of one of its visitors (a tracking <c>uid</c> or <c>mobileId</c>) on the iAdvize side.</summary>
public sealed record VisitorLink(string VisitorId, string? Email, string? Phone, long? IAdvizeId, string? UniqueId,
    DateTimeOffset? FirstSeenAt);

/// <summary>One analytics event whose lead or contact is a visitor's id or email.</summary>
public sealed record AnalyticsView(string EntityId, string EventType, string? Recording, DateTimeOffset At);

/// <summary>
/// The <c>IAdvizeVisitors</c> table, one row kind per PartitionKey prefix:
/// <list type="bullet">
/// <item><c>visitor|&lt;our id&gt;</c>: email, phone, iAdvize <c>id</c> and <c>unique_id</c> (so a second init is a PUT
/// without a lookup);</item>
/// <item><c>unique|&lt;unique_id&gt;</c>: which of our visitors an iAdvize visitor is (webhooks name visitors by it);</item>
/// <item><c>email|&lt;email&gt;</c>, RowKey = our id: the visitors who gave that email (web and mobile ids differ);</item>
/// <item><c>analytics|&lt;lead or contact id&gt;</c>, RowKey = inverted ticks + event id: analytics events about that
/// person, newest first.</item>
/// </list>
/// Every read is a point read or one partition.
/// </summary>
public sealed class IAdvizeVisitors(StorageAccount storage)
{
    /// <summary>This module's table, registered in its <c>Add…()</c>.</summary>
    public const string TableName = "IAdvizeVisitors";

    private TableClient Table => storage.Table(TableName);

    private static string VisitorKey(string visitorId) => TableKeys.Composite("visitor", visitorId);
    private static string UniqueKey(string uniqueId) => TableKeys.Composite("unique", uniqueId);
    private static string EmailKey(string email) => TableKeys.Composite("email", NormaliseEmail(email));
    private static string AnalyticsKey(string entityId) => TableKeys.Composite("analytics", entityId);

    public static string NormaliseEmail(string email) => email.Trim().ToLowerInvariant();

    public async Task<VisitorLink?> FindAsync(string visitorId, CancellationToken cancellationToken)
    {
        var row = await GetAsync(VisitorKey(visitorId), "", cancellationToken);
        return row is null ? null : new VisitorLink(visitorId, row.GetString("Email"), row.GetString("Phone"), row.GetInt64("IAdvizeId"),
            row.GetString("UniqueId"), row.GetDateTimeOffset("FirstSeenAt"));
    }

    /// <summary>A visitor seen by tracking (the Recorder's projection): who they are, and when first seen.</summary>
    public async Task RememberAsync(string visitorId, string? email, string? phone, DateTimeOffset seenAt, CancellationToken cancellationToken)
    {
        var existing = await GetAsync(VisitorKey(visitorId), "", cancellationToken);
        var entity = new TableEntity(VisitorKey(visitorId), "") { ["VisitorId"] = visitorId };
        if (email is { Length: > 0 }) entity["Email"] = email;
        if (phone is { Length: > 0 }) entity["Phone"] = phone;
        if (existing?.GetDateTimeOffset("FirstSeenAt") is not { } first || first > seenAt) entity["FirstSeenAt"] = seenAt;
        await Table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
        if (email is { Length: > 0 })
        {
            await Table.UpsertEntityAsync(new TableEntity(EmailKey(email), TableKeys.Key(visitorId)) { ["VisitorId"] = visitorId },
                TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>
    /// Our visitor is this iAdvize visitor: kept both ways. The email it was linked with is kept on the visitor too
    /// when the visitor index (another subscription, which may not have taken the session in yet) has none, so that
    /// a webhook that finds the visitor through iAdvize's own lookup right after the link is not skipped as unknown.
    /// </summary>
    public async Task LinkAsync(string visitorId, string? email, long iadvizeId, string? uniqueId, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(VisitorKey(visitorId), "") { ["VisitorId"] = visitorId, ["IAdvizeId"] = iadvizeId };
        if (uniqueId is { Length: > 0 }) entity["UniqueId"] = uniqueId;
        if (email is { Length: > 0 } && (await GetAsync(VisitorKey(visitorId), "", cancellationToken))?.GetString("Email") is null)
            entity["Email"] = email;
        await Table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
        if (uniqueId is { Length: > 0 })
        {
            var link = new TableEntity(UniqueKey(uniqueId), "") { ["VisitorId"] = visitorId, ["IAdvizeId"] = iadvizeId };
            if (email is { Length: > 0 }) link["Email"] = email;
            await Table.UpsertEntityAsync(link, TableUpdateMode.Merge, cancellationToken);
        }
    }

    /// <summary>Forgets the iAdvize id of a visitor iAdvize no longer knows (deleted there).</summary>
    public async Task UnlinkAsync(string visitorId, CancellationToken cancellationToken)
    {
        if (await GetAsync(VisitorKey(visitorId), "", cancellationToken) is not { } row) return;
        row.Remove("IAdvizeId");
        row.Remove("UniqueId");
        await Table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<string?> VisitorOfUniqueIdAsync(string uniqueId, CancellationToken cancellationToken) =>
        (await LinkOfUniqueIdAsync(uniqueId, cancellationToken))?.VisitorId;

    /// <summary>Which of our visitors an iAdvize visitor is, and the email the link was made with (if any).</summary>
    public async Task<(string VisitorId, string? Email)?> LinkOfUniqueIdAsync(string uniqueId, CancellationToken cancellationToken) =>
        await GetAsync(UniqueKey(uniqueId), "", cancellationToken) is { } link && link.GetString("VisitorId") is { } visitorId
            ? (visitorId, link.GetString("Email"))
            : null;

    public async Task<List<string>> VisitorsOfEmailAsync(string email, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {EmailKey(email)}"),
                           select: ["VisitorId"], cancellationToken: cancellationToken))
            ids.Add(row.GetString("VisitorId"));
        return ids;
    }

    public Task RecordAnalyticsAsync(string entityId, Guid eventId, string eventType, string? recording, DateTimeOffset at,
        CancellationToken cancellationToken) =>
        // Newest first: the RowKey starts with inverted ticks.
        Table.UpsertEntityAsync(new TableEntity(AnalyticsKey(entityId), $"{DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks:D19}|{eventId}")
        {
            ["EntityId"] = entityId,
            ["EventType"] = eventType,
            ["Recording"] = recording,
            ["At"] = at,
        }, TableUpdateMode.Replace, cancellationToken);

    public async Task<List<AnalyticsView>> AnalyticsOfAsync(string entityId, int max, CancellationToken cancellationToken)
    {
        var views = new List<AnalyticsView>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {AnalyticsKey(entityId)}"),
                           cancellationToken: cancellationToken))
        {
            views.Add(new AnalyticsView(entityId, row.GetString("EventType") ?? "", row.GetString("Recording"),
                row.GetDateTimeOffset("At") ?? default));
            if (views.Count >= max) break;
        }
        return views;
    }

    private async Task<TableEntity?> GetAsync(string partition, string row, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }
}
