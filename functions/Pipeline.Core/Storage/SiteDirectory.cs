using System.Collections.Immutable;
using Azure;
using Azure.Data.Tables;

namespace Pipeline.Functions.Storage;

/// <summary>
/// Everything the pipeline keeps about one site, as one typed record: its Intercom ids, its owner contact, its
/// latest statistics and the statistics last synced, and the event time of every Intercom attribute last sent.
/// Read once per event, changed with <c>with</c>, written back with the <see cref="ETag"/> it was read with.
/// </summary>
public sealed record SiteRecord(string SiteId)
{
    public string? IntercomCompanyId { get; init; }
    public string? OwnerContactId { get; init; }
    public string? OwnerEmail { get; init; }

    /// <summary>The latest statistics push's data (JSON), its event id and time: what the sweep re-sends.</summary>
    public string? Statistics { get; init; }
    public Guid? StatisticsEventId { get; init; }
    public DateTimeOffset? StatisticsAt { get; init; }

    /// <summary>The statistics event Intercom has (the forwarder marks it after a successful call).</summary>
    public Guid? SyncedStatisticsEventId { get; init; }
    public DateTimeOffset? SyncedStatisticsAt { get; init; }

    /// <summary>Per Intercom company attribute, the event time (Unix ms) of the value last sent.</summary>
    public ImmutableDictionary<string, long> AttributeTimes { get; init; } = ImmutableDictionary<string, long>.Empty;

    /// <summary>The version this record was read or written as; default: not stored yet.</summary>
    public ETag ETag { get; init; }

    public bool IsStored => ETag != default;
}

/// <summary>
/// The <c>Sites</c> table, and the only class that knows its columns: one row per known site (PartitionKey =
/// escaped site id, RowKey = ""). Writes are conditional on the ETag the record was read with; a concurrent
/// change (the Recorder keeping statistics while the forwarder marks attribute times) is met by reading again and
/// re-applying the change. The statistics sweep pages through the table; nothing else scans it.
/// </summary>
public sealed class SiteDirectory(StorageAccount storage)
{
    /// <summary>The table's column names, for tests that seed rows directly.</summary>
    public static class Columns
    {
        public const string SiteId = "SiteId";
        public const string IntercomCompanyId = "IntercomCompanyId";
        public const string OwnerContactId = "OwnerContactId";
        public const string OwnerEmail = "OwnerEmail";
        public const string Statistics = "Statistics";
        public const string StatisticsEventId = "StatisticsEventId";
        public const string StatisticsAt = "StatisticsAt";
        public const string SyncedStatisticsEventId = "SyncedStatisticsEventId";
        public const string SyncedStatisticsAt = "SyncedStatisticsAt";
        public const string AttributeTimePrefix = "At_";
    }

    private const int MaxConflictRetries = 20;

    private TableClient Table => storage.Table(TableNames.Sites);

    /// <summary>The site's record, or a new (not yet stored) one.</summary>
    public async Task<SiteRecord> GetAsync(string siteId, CancellationToken cancellationToken) =>
        await FindAsync(siteId, cancellationToken) ?? new SiteRecord(siteId);

    public async Task<SiteRecord?> FindAsync(string siteId, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Key(siteId), "", cancellationToken: cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the record and writes it, conditional on its ETag. Starts from
    /// <paramref name="current"/> when the caller has just read it (no second read); on a concurrent change reads
    /// the row again and re-applies. <paramref name="change"/> returns null when there is nothing to write.
    /// </summary>
    /// <returns>The record as stored (with its new ETag), or as it was when nothing needed writing.</returns>
    public async Task<SiteRecord> UpdateAsync(string siteId, Func<SiteRecord, SiteRecord?> change, CancellationToken cancellationToken,
        SiteRecord? current = null)
    {
        var record = current ?? await GetAsync(siteId, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            if (change(record) is not { } changed) return record;
            try
            {
                var entity = ToEntity(changed);
                var response = record.IsStored
                    ? await Table.UpdateEntityAsync(entity, record.ETag, TableUpdateMode.Merge, cancellationToken)
                    : await Table.AddEntityAsync(entity, cancellationToken);
                return changed with { ETag = response.Headers.ETag ?? throw new InvalidOperationException("Table Storage returned no ETag") };
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxConflictRetries)
            {
                record = await GetAsync(siteId, cancellationToken); // changed between our read and write: again, on what is there now
            }
        }
    }

    /// <summary>One page of sites from a continuation token (null: the first page); never the whole table.</summary>
    public async Task<(IReadOnlyList<SiteRecord> Sites, string? Next)> PageAsync(string? continuation, int pageSize,
        CancellationToken cancellationToken)
    {
        await foreach (var page in Table.QueryAsync<TableEntity>(maxPerPage: pageSize, cancellationToken: cancellationToken)
                           .AsPages(continuation, pageSize))
            return (page.Values.Select(FromEntity).ToList(), page.ContinuationToken);
        return ([], null);
    }

    private static SiteRecord FromEntity(TableEntity e)
    {
        var times = ImmutableDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        foreach (var (key, value) in e)
        {
            if (key.StartsWith(Columns.AttributeTimePrefix, StringComparison.Ordinal) && value is long or int)
                times[key[Columns.AttributeTimePrefix.Length..]] = Convert.ToInt64(value);
        }
        return new SiteRecord(e.GetString(Columns.SiteId) ?? e.PartitionKey)
        {
            IntercomCompanyId = e.GetString(Columns.IntercomCompanyId),
            OwnerContactId = e.GetString(Columns.OwnerContactId),
            OwnerEmail = e.GetString(Columns.OwnerEmail),
            Statistics = e.GetString(Columns.Statistics),
            StatisticsEventId = Guid.TryParse(e.GetString(Columns.StatisticsEventId), out var statisticsId) ? statisticsId : null,
            StatisticsAt = e.GetDateTimeOffset(Columns.StatisticsAt),
            SyncedStatisticsEventId = Guid.TryParse(e.GetString(Columns.SyncedStatisticsEventId), out var syncedId) ? syncedId : null,
            SyncedStatisticsAt = e.GetDateTimeOffset(Columns.SyncedStatisticsAt),
            AttributeTimes = times.ToImmutable(),
            ETag = e.ETag,
        };
    }

    /// <summary>Every column the record has a value for; written with Merge, so columns it does not know are kept.</summary>
    private static TableEntity ToEntity(SiteRecord site)
    {
        var e = new TableEntity(TableKeys.Key(site.SiteId), "") { [Columns.SiteId] = site.SiteId };
        if (site.IntercomCompanyId is { } companyId) e[Columns.IntercomCompanyId] = companyId;
        if (site.OwnerContactId is { } ownerId) e[Columns.OwnerContactId] = ownerId;
        if (site.OwnerEmail is { } ownerEmail) e[Columns.OwnerEmail] = ownerEmail;
        if (site.Statistics is { } statistics) e[Columns.Statistics] = statistics;
        if (site.StatisticsEventId is { } statisticsId) e[Columns.StatisticsEventId] = statisticsId.ToString();
        if (site.StatisticsAt is { } statisticsAt) e[Columns.StatisticsAt] = statisticsAt;
        if (site.SyncedStatisticsEventId is { } syncedId) e[Columns.SyncedStatisticsEventId] = syncedId.ToString();
        if (site.SyncedStatisticsAt is { } syncedAt) e[Columns.SyncedStatisticsAt] = syncedAt;
        foreach (var (name, time) in site.AttributeTimes) e[Columns.AttributeTimePrefix + name] = time;
        return e;
    }
}
