namespace Pipeline.Functions.Analytics;

/// <summary>One analytics event as the search endpoints return it.</summary>
public sealed record AnalyticsRecording(JsonElement Stored, DateTimeOffset CreatedAt);

/// <summary>
/// The table behind the analytics searches. PartitionKey = <c>entity|customer|user|entityId</c> (every search names
/// all four), RowKey = <c>recording|inverted ticks|event id</c>: one range query per requested recording, inside
/// one partition, newest first, so <c>latest</c> is the first row of each range. No search scans the table.
/// </summary>
public sealed class AnalyticsIndex(StorageAccount storage)
{
    public const string Lead = "lead";
    public const string Contact = "contact";

    /// <summary>This module's table, registered in its <c>Add…()</c>.</summary>
    public const string TableName = "Analytics";

    private TableClient Table => storage.Table(TableName);

    /// <summary>Recordings one search may name; each is a range query, run at most <see cref="QueryParallelism"/> at once.</summary>
    public const int MaxRecordingsPerSearch = 100;

    public const int QueryParallelism = 8;

    // A stored event over a string property's limit is split across Stored, Stored1, ... (ChunkedText); an accepted
    // body (64 KiB) fits in a few.
    private static readonly string[] SelectedProperties =
        ["CreatedAt", .. Enumerable.Range(0, 12).Select(chunk => ChunkedText.PropertyName("Stored", chunk))];

    /// <summary>Escaped ids joined by '|'; derived as a whole when that would pass a key's length limit (TableKeys).</summary>
    public static string PartitionOf(string entity, string customerId, string userId, string entityId) =>
        TableKeys.Composite(entity, customerId, userId, entityId);

    private static string RecordingPrefix(string recordingId) => TableKeys.Key(recordingId) + "|";

    /// <summary>Indexes a lead's or contact's event; a redelivery writes the same row again.</summary>
    public async Task IndexAsync(AnalyticsEventRecorded recorded, EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!recorded.IsAboutLeadOrContact) return; // only leads and contacts have a search
        if (recorded is not { EntityId: { } entityId, CustomerId: { } customer, UserId: { } user, RecordingId: { } recording }) return;
        var row = $"{RecordingPrefix(recording)}{DateTimeOffset.MaxValue.UtcTicks - envelope.ReceivedAt.UtcTicks:D19}|{envelope.Id}";
        var indexed = new TableEntity(PartitionOf(recorded.Entity!, customer, user, entityId), row)
        {
            ["CreatedAt"] = envelope.ReceivedAt,
        };
        ChunkedText.Write(indexed, "Stored", recorded.Stored.GetRawText());
        await Table.UpsertEntityAsync(indexed, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// The events of the given recordings in one partition, newest first; with <paramref name="latestOnly"/>, only
    /// the newest of each recording.
    /// </summary>
    public async Task<List<AnalyticsRecording>> SearchAsync(string partition, IEnumerable<string> recordingIds, bool latestOnly,
        CancellationToken cancellationToken)
    {
        // One range query per recording, a few at a time; results keep the order of the recordings asked for,
        // so equal creation times sort the same way every time.
        var recordings = recordingIds.Distinct(StringComparer.Ordinal).ToList();
        var perRecording = new List<AnalyticsRecording>[recordings.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, recordings.Count),
            new ParallelOptions { MaxDegreeOfParallelism = QueryParallelism, CancellationToken = cancellationToken },
            async (i, token) => perRecording[i] = await RangeAsync(partition, recordings[i], latestOnly, token));
        return perRecording.SelectMany(r => r).OrderByDescending(r => r.CreatedAt).ToList();
    }

    private async Task<List<AnalyticsRecording>> RangeAsync(string partition, string recording, bool latestOnly,
        CancellationToken cancellationToken)
    {
        var found = new List<AnalyticsRecording>();
        var prefix = RecordingPrefix(recording);
        // '}' is the character after '|': the range holds exactly the rows of this recording.
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}");
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, maxPerPage: latestOnly ? 1 : 1000,
                           select: SelectedProperties, cancellationToken: cancellationToken))
        {
            using var document = JsonDocument.Parse(ChunkedText.Read(entity, "Stored")!);
            found.Add(new AnalyticsRecording(document.RootElement.Clone(), entity.GetDateTimeOffset("CreatedAt") ?? default));
            if (latestOnly) break;
        }
        return found;
    }

    public static string Timestamp(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
