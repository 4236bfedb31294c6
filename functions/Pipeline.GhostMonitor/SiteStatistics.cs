using Azure;

namespace Pipeline.Functions.GhostMonitor;

/// <summary>A site's latest statistics push: its stored data (JSON), event id and time.</summary>
public sealed record SiteStatisticsRecord(string SiteId, string Statistics, Guid EventId, DateTimeOffset At);

/// <summary>
/// The <c>SiteStatistics</c> table: each site's latest statistics push (PartitionKey = escaped site id, RowKey = ""),
/// kept by <see cref="SiteStatisticsProjection"/> and paged through by the statistics sweep. An older push never
/// overwrites a newer one: writes are conditional on the ETag read, and re-read on a conflict.
/// </summary>
public sealed class SiteStatistics(StorageAccount storage)
{
    public const string TableName = "SiteStatistics";

    /// <summary>The table's column names, for tests that seed rows directly.</summary>
    public static class Columns
    {
        public const string SiteId = "SiteId";
        public const string Statistics = "Statistics";
        public const string EventId = "EventId";
        public const string At = "At";
    }

    private const int MaxConflictRetries = 20;

    private TableClient Table => storage.Table(TableName);

    public async Task<SiteStatisticsRecord?> FindAsync(string siteId, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Key(siteId), "", cancellationToken: cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    /// <summary>Keeps <paramref name="latest"/> unless the site already has statistics as new or newer.</summary>
    public async Task KeepAsync(SiteStatisticsRecord latest, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Key(latest.SiteId), "", cancellationToken: cancellationToken);
            if (current.HasValue && FromEntity(current.Value!).At >= latest.At) return;
            try
            {
                var entity = ToEntity(latest);
                if (current.HasValue) await Table.UpdateEntityAsync(entity, current.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                else await Table.AddEntityAsync(entity, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxConflictRetries)
            {
                // Another push wrote between our read and write: compare with what is there now.
            }
        }
    }

    /// <summary>One page of sites, in key order, from a continuation token (null: the first page); never the whole table.</summary>
    public async Task<(IReadOnlyList<SiteStatisticsRecord> Sites, string? Next)> PageAsync(string? continuation, int pageSize,
        CancellationToken cancellationToken)
    {
        await foreach (var page in Table.QueryAsync<TableEntity>(maxPerPage: pageSize, cancellationToken: cancellationToken)
                           .AsPages(continuation, pageSize))
            return (page.Values.Select(FromEntity).ToList(), page.ContinuationToken);
        return ([], null);
    }

    private static SiteStatisticsRecord FromEntity(TableEntity e) => new(
        e.GetString(Columns.SiteId) ?? e.PartitionKey,
        ChunkedText.Read(e, Columns.Statistics) ?? "{}",
        Guid.TryParse(e.GetString(Columns.EventId), out var id) ? id : Guid.Empty,
        e.GetDateTimeOffset(Columns.At) ?? default);

    private static TableEntity ToEntity(SiteStatisticsRecord site)
    {
        var e = new TableEntity(TableKeys.Key(site.SiteId), "")
        {
            [Columns.SiteId] = site.SiteId,
            [Columns.EventId] = site.EventId.ToString(),
            [Columns.At] = site.At,
        };
        ChunkedText.Write(e, Columns.Statistics, site.Statistics);
        return e;
    }
}
