using Azure;

namespace Pipeline.Functions.Operations;

/// <summary>One delivery as the index lists it.</summary>
public sealed record DeliveryRow(Guid EventId, string Destination, string? EventType, string? Subject, DeliveryStatus Status,
    int Attempts, int? HttpStatus, string? Error, DateTimeOffset EventTime, DateTimeOffset UpdatedAt, int Replays);

/// <summary>What to list: one destination, the events created in [Since, Until), optionally some statuses and one subject.</summary>
public sealed record DeliveryFilter(string Destination, DateTimeOffset Since, DateTimeOffset Until,
    IReadOnlyList<DeliveryStatus>? Statuses = null, string? Subject = null);

/// <summary>
/// Reads the <c>DeliveryIndex</c> table the delivery log keeps: one partition per destination and hour of the
/// event's time, so a time range is a range of partitions and never a scan of the deliveries.
/// </summary>
public sealed class DeliveryIndexReader(StorageAccount storage)
{
    /// <summary>Service pages with nothing matching are skipped, up to this many per call.</summary>
    private const int MaxEmptyPages = 20;

    private TableClient Index => storage.Table(TableNames.DeliveryIndex);

    /// <summary>One page, oldest event first, and the continuation for the next (null at the end).</summary>
    /// <exception cref="ArgumentException">The continuation is not one this API gave.</exception>
    public async Task<(IReadOnlyList<DeliveryRow> Rows, string? Continuation)> PageAsync(DeliveryFilter filter, string? continuation,
        int limit, CancellationToken cancellationToken)
    {
        var rows = new List<DeliveryRow>();
        var pages = Index.QueryAsync<TableEntity>(Filter(filter), maxPerPage: limit, cancellationToken: cancellationToken)
            .AsPages(continuation is null ? null : Decode(continuation, filter), limit);
        var empty = 0;
        try
        {
            await foreach (var page in pages)
            {
                rows.AddRange(page.Values.Select(ToRow));
                if (rows.Count > 0 || page.ContinuationToken is null || ++empty >= MaxEmptyPages)
                    return (rows, Encode(page.ContinuationToken));
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 400 && continuation is not null)
        {
            throw new ArgumentException("continuation is not one this API gave", nameof(continuation), ex);
        }
        return (rows, null);
    }

    // The service's token (next partition and row key) wrapped, so that a token this API never gave is told apart.
    private const string TokenPrefix = "d1.";

    private static string? Encode(string? token) =>
        token is null ? null : TokenPrefix + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(token)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Decode(string continuation, DeliveryFilter filter)
    {
        var problem = new ArgumentException("continuation is not one this API gave for this destination", nameof(continuation));
        if (!continuation.StartsWith(TokenPrefix, StringComparison.Ordinal)) throw problem;
        var base64 = continuation[TokenPrefix.Length..].Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        try
        {
            // The service's token is "<base64 next partition key> <base64 next row key>"; the partition must be
            // one of this destination's.
            var token = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            var nextPartition = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token.Split(' ')[0]));
            if (!nextPartition.StartsWith(TableKeys.Escape(filter.Destination) + "|", StringComparison.Ordinal)) throw problem;
            return token;
        }
        catch (FormatException)
        {
            throw problem;
        }
    }

    /// <summary>Every matching row (only the columns asked for), up to <paramref name="cap"/>.</summary>
    public async Task<(List<TableEntity> Rows, bool Capped)> ScanAsync(DeliveryFilter filter, string[] columns, int cap,
        CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Index.QueryAsync<TableEntity>(Filter(filter), maxPerPage: 1000, select: columns,
                           cancellationToken: cancellationToken))
        {
            if (rows.Count >= cap) return (rows, true);
            rows.Add(row);
        }
        return (rows, false);
    }

    private static string Filter(DeliveryFilter filter)
    {
        var from = DeliveryRecords.IndexPartition(filter.Destination, filter.Since);
        var to = DeliveryRecords.IndexPartition(filter.Destination, filter.Until);
        var query = TableClient.CreateQueryFilter(
            $"PartitionKey ge {from} and PartitionKey le {to} and EventTime ge {filter.Since} and EventTime lt {filter.Until}");
        if (filter.Statuses is { Count: > 0 } statuses)
            query += " and (" + string.Join(" or ", statuses.Select(s => TableClient.CreateQueryFilter($"Status eq {s.ToString()}"))) + ")";
        if (filter.Subject is { } subject)
            query += " and " + TableClient.CreateQueryFilter($"Subject eq {subject}");
        return query;
    }

    /// <summary>A row read with only some columns selected (the rest default).</summary>
    public static DeliveryRow ToRowLoose(TableEntity e) => new(
        Guid.Parse(e.RowKey), "", null, null,
        Enum.TryParse<DeliveryStatus>(e.GetString("Status"), out var status) ? status : DeliveryStatus.InFlight,
        0, null, null, default, default, e.GetInt32("Replays") ?? 0);

    public static DeliveryRow ToRow(TableEntity e) => new(
        Guid.Parse(e.RowKey),
        e.GetString("Destination") ?? e.PartitionKey[..e.PartitionKey.LastIndexOf('|')],
        e.GetString("EventType"),
        e.GetString("Subject"),
        Enum.TryParse<DeliveryStatus>(e.GetString("Status"), out var status) ? status : DeliveryStatus.InFlight,
        e.GetInt32("Attempts") ?? 0,
        e.GetInt32("HttpStatus"),
        e.GetString("Error"),
        e.GetDateTimeOffset("EventTime") ?? DeliveryRecords.EventTime(Guid.Parse(e.RowKey)),
        e.GetDateTimeOffset("UpdatedAt") ?? default,
        e.GetInt32("Replays") ?? 0);
}
