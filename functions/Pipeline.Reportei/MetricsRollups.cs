using Azure;

namespace Pipeline.Functions.Reportei;

/// <summary>The four kinds of data a customer integration covers; each is one partition of rollups per id.</summary>
public enum RollupScope { Site, TrackingApp, AnalyticsCustomer, IAdvizeWebsite }

/// <summary>What one event adds to its scope's row of the day it was received (UTC).</summary>
/// <param name="Apply">Changes the day's row in place; runs again on a fresh copy when a concurrent change wins the race.</param>
public sealed record RollupContribution(RollupScope Scope, string ScopeId, DateOnly Day, Action<TableEntity> Apply);

/// <summary>
/// Per-day rollups per integration scope, kept by the Recorder (<see cref="MetricsRollupProjection"/>).
/// PartitionKey = <c>{scope}|{escaped id}</c>; RowKey <c>d|yyyy-MM-dd</c> is the day's row (one property per counter),
/// RowKey <c>e|{event id}</c> marks an event as counted. Both are written in one entity-group transaction, the day's row
/// conditional on the ETag it was read with: a redelivered event finds its marker, fails the batch and counts nothing
/// twice; two events racing for one day's row make one of them read again. A period of N days is one range query of
/// at most N rows.
/// </summary>
public sealed class MetricsRollups(StorageAccount storage)
{
    private const int MaxAttempts = 25;

    /// <summary>This module's table, registered in its <c>Add…()</c>.</summary>
    public const string TableName = "MetricsRollups";

    private TableClient Table => storage.Table(TableName);

    public static string PartitionOf(RollupScope scope, string id) => scope switch
    {
        RollupScope.Site => "site|",
        RollupScope.TrackingApp => "app|",
        RollupScope.AnalyticsCustomer => "customer|",
        RollupScope.IAdvizeWebsite => "iadvize|",
        _ => throw new ArgumentOutOfRangeException(nameof(scope)),
    } + ScopeKey(id);

    /// <summary>The escaped id, derived when it would make a PartitionKey too long (<see cref="TableKeys.Key"/>).</summary>
    private static string ScopeKey(string id) => TableKeys.Key(id);

    public static string DayKey(DateOnly day) => "d|" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly DayOf(string rowKey) => DateOnly.ParseExact(rowKey.AsSpan(2), "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string MarkerKey(Guid eventId) => "e|" + eventId.ToString("D");

    /// <returns>false when the event had been counted already (a redelivery): nothing changed then.</returns>
    public async Task<bool> ApplyAsync(Guid eventId, RollupContribution contribution, CancellationToken cancellationToken)
    {
        var partition = PartitionOf(contribution.Scope, contribution.ScopeId);
        var dayKey = DayKey(contribution.Day);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await Table.GetEntityIfExistsAsync<TableEntity>(partition, dayKey, cancellationToken: cancellationToken);
            var row = existing.HasValue ? existing.Value! : new TableEntity(partition, dayKey);
            contribution.Apply(row);
            TableTransactionAction[] batch =
            [
                new(TableTransactionActionType.Add, new TableEntity(partition, MarkerKey(eventId))),
                existing.HasValue
                    ? new(TableTransactionActionType.UpdateReplace, row, row.ETag)
                    : new(TableTransactionActionType.Add, row),
            ];
            try
            {
                await Table.SubmitTransactionAsync(batch, cancellationToken);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                var marker = await Table.GetEntityIfExistsAsync<TableEntity>(partition, MarkerKey(eventId), ["RowKey"],
                    cancellationToken);
                if (marker.HasValue) return false;
                if (attempt >= MaxAttempts) throw;
                // Another event changed the day's row between our read and write: read it again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * Math.Min(attempt, 5))), cancellationToken);
            }
        }
    }

    /// <summary>The day rows of one scope from <paramref name="first"/> to <paramref name="last"/>, both included, in order.</summary>
    public async Task<List<TableEntity>> DaysAsync(RollupScope scope, string id, DateOnly first, DateOnly last,
        CancellationToken cancellationToken, IEnumerable<string>? select = null)
    {
        var partition = PartitionOf(scope, id);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {DayKey(first)} and RowKey le {DayKey(last)}");
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: select, cancellationToken: cancellationToken))
            rows.Add(row);
        return rows;
    }

    /// <summary>
    /// The last day before <paramref name="before"/> on which <paramref name="property"/> was set: where a running total
    /// stood when a period starts. Reads only the days that carry the property.
    /// </summary>
    public async Task<TableEntity?> LastBeforeAsync(RollupScope scope, string id, DateOnly before, string property,
        CancellationToken cancellationToken)
    {
        var partition = PartitionOf(scope, id);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"d|"} and RowKey lt {DayKey(before)}")
                     + $" and {property}{RollupProperties.AtSuffix} ge datetime'1601-01-01T00:00:00Z'";
        TableEntity? last = null;
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: 1000,
                           select: ["RowKey", property, property + RollupProperties.AtSuffix], cancellationToken: cancellationToken))
            last = row;
        return last;
    }
}

/// <summary>The day row's property names and how each kind of counter is changed.</summary>
public static class RollupProperties
{
    public const string AtSuffix = "_at";
    public const string Visitors = "visitors";
    public const string Channels = "channels";

    // A binary property holds at most 64 KiB: 8,000 visitor hashes of 8 bytes per property, then visitors1, visitors2, ...
    private const int HashesPerProperty = 8_000;
    private const int MaxVisitorProperties = 12;

    public static void Add(TableEntity row, string property, long delta) =>
        row[property] = (row.GetInt64(property) ?? LegacyInt(row, property)) + delta;

    public static void Add(TableEntity row, string property, double delta) =>
        row[property] = (row.GetDouble(property) ?? 0) + delta;

    public static long Count(TableEntity row, string property) => row.GetInt64(property) ?? LegacyInt(row, property);

    public static double Sum(TableEntity row, string property) => row.GetDouble(property) ?? Count(row, property);

    private static long LegacyInt(TableEntity row, string property) => row.TryGetValue(property, out var v) && v is int i ? i : 0;

    /// <summary>Keeps the value reported last (by event time) on the day, as a running total is.</summary>
    public static void Latest(TableEntity row, string property, double value, DateTimeOffset at)
    {
        if (row.GetDateTimeOffset(property + AtSuffix) is { } current && current > at) return;
        row[property] = value;
        row[property + AtSuffix] = at;
    }

    public static (double Value, DateTimeOffset At)? LatestOf(TableEntity row, string property) =>
        row.GetDateTimeOffset(property + AtSuffix) is { } at ? (row.GetDouble(property) ?? 0, at) : null;

    /// <summary>Adds a visitor's hash to the day's set (adding twice changes nothing).</summary>
    public static void AddVisitor(TableEntity row, ulong hash)
    {
        var set = VisitorsOf(row);
        if (!set.Add(hash)) return;
        var sorted = set.Order().ToArray();
        var chunks = sorted.Chunk(HashesPerProperty).ToArray();
        if (chunks.Length > MaxVisitorProperties)
            throw new InvalidOperationException($"more than {MaxVisitorProperties * HashesPerProperty} identified visitors in one day");
        for (var i = 0; i < MaxVisitorProperties; i++)
        {
            var name = i == 0 ? Visitors : Visitors + i;
            if (i < chunks.Length)
            {
                var bytes = new byte[chunks[i].Length * 8];
                for (var j = 0; j < chunks[i].Length; j++)
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(j * 8), chunks[i][j]);
                row[name] = bytes;
            }
            else row.Remove(name);
        }
    }

    public static HashSet<ulong> VisitorsOf(TableEntity row)
    {
        var set = new HashSet<ulong>();
        for (var i = 0; i < MaxVisitorProperties; i++)
        {
            if (row.GetBinary(i == 0 ? Visitors : Visitors + i) is not { } bytes) break;
            for (var j = 0; j + 8 <= bytes.Length; j += 8)
                set.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(j)));
        }
        return set;
    }

    public static ulong VisitorHash(string visitorId) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(visitorId)));

    /// <summary>Longest breakdown key kept (longer ones are clipped), and how many distinct keys a day keeps.</summary>
    public const int MaxBreakdownKeyChars = 64, MaxBreakdownKeys = 50;

    /// <summary>The key further new values of a full breakdown are counted under.</summary>
    public const string OtherBreakdownKey = "(other)";

    /// <summary>
    /// Counts <paramref name="key"/> in the breakdown: counts per value of a free-text dimension (iAdvize channels), as
    /// a JSON object in one property. The whole breakdown is one string property (at most 32K UTF-16
    /// characters, and each non-ASCII character is written as a six-character escape), so keys are clipped and a day
    /// keeps at most <see cref="MaxBreakdownKeys"/> of them: a sender's free text can never make the row unwritable.
    /// </summary>
    public static void AddToBreakdown(TableEntity row, string property, string key)
    {
        var counts = BreakdownOf(row, property);
        key = Hosting.RequestBodies.Clip(key, MaxBreakdownKeyChars);
        if (!counts.ContainsKey(key) && counts.Count >= MaxBreakdownKeys) key = OtherBreakdownKey;
        counts[key] = counts.GetValueOrDefault(key) + 1;
        row[property] = System.Text.Json.JsonSerializer.Serialize(counts, PipelineJson.Default.DictionaryStringInt64);
    }

    public static Dictionary<string, long> BreakdownOf(TableEntity row, string property) =>
        row.GetString(property) is { Length: > 0 } json
            ? System.Text.Json.JsonSerializer.Deserialize(json, PipelineJson.Default.DictionaryStringInt64) ?? new()
            : new Dictionary<string, long>(StringComparer.Ordinal);
}
