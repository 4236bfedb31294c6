using System.Collections.Immutable;
using Azure;


namespace Pipeline.Functions.Intercom;

/// <summary>
/// What Intercom has of one site, as one typed record: its company id, its owner contact, the statistics push last
/// synced, and the event time of every company attribute last sent. Read once per event, changed with <c>with</c>,
/// written back with the <see cref="ETag"/> it was read with.
/// </summary>
public sealed record CompanyRecord(string SiteId)
{
    public string? IntercomCompanyId { get; init; }
    public string? OwnerContactId { get; init; }
    public string? OwnerEmail { get; init; }

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
/// The <c>IntercomCompanies</c> table, and the only class that knows its columns: one row per site Intercom has
/// (PartitionKey = escaped site id, RowKey = ""). Writes are conditional on the ETag the record was read with; a
/// concurrent change (two forwarders marking attribute times) is met by reading again and re-applying the change.
/// The statistics sweep reads it a page's key range at a time.
/// </summary>
public sealed class IntercomCompanies(StorageAccount storage)
{
    public const string TableName = "IntercomCompanies";

    /// <summary>The table's column names, for tests that seed rows directly.</summary>
    public static class Columns
    {
        public const string SiteId = "SiteId";
        public const string IntercomCompanyId = "IntercomCompanyId";
        public const string OwnerContactId = "OwnerContactId";
        public const string OwnerEmail = "OwnerEmail";
        public const string SyncedStatisticsEventId = "SyncedStatisticsEventId";
        public const string SyncedStatisticsAt = "SyncedStatisticsAt";
        public const string AttributeTimePrefix = "At_";
    }

    private const int MaxConflictRetries = 20;

    private TableClient Table => storage.Table(TableName);

    /// <summary>The site's record, or a new (not yet stored) one.</summary>
    public async Task<CompanyRecord> GetAsync(string siteId, CancellationToken cancellationToken) =>
        await FindAsync(siteId, cancellationToken) ?? new CompanyRecord(siteId);

    public async Task<CompanyRecord?> FindAsync(string siteId, CancellationToken cancellationToken)
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
    public async Task<CompanyRecord> UpdateAsync(string siteId, Func<CompanyRecord, CompanyRecord?> change, CancellationToken cancellationToken,
        CompanyRecord? current = null)
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

    /// <summary>The records of the sites from <paramref name="firstSiteId"/> to <paramref name="lastSiteId"/> (in key order), by site id.</summary>
    public async Task<Dictionary<string, CompanyRecord>> RangeAsync(string firstSiteId, string lastSiteId, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, CompanyRecord>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {TableKeys.Key(firstSiteId)} and PartitionKey le {TableKeys.Key(lastSiteId)}");
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var record = FromEntity(entity);
            found[record.SiteId] = record;
        }
        return found;
    }

    private static CompanyRecord FromEntity(TableEntity e)
    {
        var times = ImmutableDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        foreach (var (key, value) in e)
        {
            if (key.StartsWith(Columns.AttributeTimePrefix, StringComparison.Ordinal) && value is long or int)
                times[key[Columns.AttributeTimePrefix.Length..]] = Convert.ToInt64(value);
        }
        return new CompanyRecord(e.GetString(Columns.SiteId) ?? e.PartitionKey)
        {
            IntercomCompanyId = e.GetString(Columns.IntercomCompanyId),
            OwnerContactId = e.GetString(Columns.OwnerContactId),
            OwnerEmail = e.GetString(Columns.OwnerEmail),
            SyncedStatisticsEventId = Guid.TryParse(e.GetString(Columns.SyncedStatisticsEventId), out var syncedId) ? syncedId : null,
            SyncedStatisticsAt = e.GetDateTimeOffset(Columns.SyncedStatisticsAt),
            AttributeTimes = times.ToImmutable(),
            ETag = e.ETag,
        };
    }

    /// <summary>Every column the record has a value for; written with Merge, so columns it does not know are kept.</summary>
    private static TableEntity ToEntity(CompanyRecord site)
    {
        var e = new TableEntity(TableKeys.Key(site.SiteId), "") { [Columns.SiteId] = site.SiteId };
        if (site.IntercomCompanyId is { } companyId) e[Columns.IntercomCompanyId] = companyId;
        if (site.OwnerContactId is { } ownerId) e[Columns.OwnerContactId] = ownerId;
        if (site.OwnerEmail is { } ownerEmail) e[Columns.OwnerEmail] = ownerEmail;
        if (site.SyncedStatisticsEventId is { } syncedId) e[Columns.SyncedStatisticsEventId] = syncedId.ToString();
        if (site.SyncedStatisticsAt is { } syncedAt) e[Columns.SyncedStatisticsAt] = syncedAt;
        foreach (var (name, time) in site.AttributeTimes) e[Columns.AttributeTimePrefix + name] = time;
        return e;
    }
}
