using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Storage;

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

    private TableClient Table => storage.Table(TableNames.Analytics);

    public static string PartitionOf(string entity, string customerId, string userId, string entityId) =>
        string.Join('|', entity, TableKeys.Escape(customerId), TableKeys.Escape(userId), TableKeys.Escape(entityId));

    /// <summary>Indexes an event the Recorder persisted; a redelivery writes the same row again.</summary>
    public async Task IndexAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        var data = envelope.Data;
        var stored = data.GetProperty("stored");
        string Text(string name) => stored.GetProperty(name).GetString()!;
        var entity = data.GetProperty("entity").GetString()!;
        if (entity is not (Lead or Contact)) return; // only leads and contacts have a search
        var row = $"{TableKeys.Escape(Text("recording_id"))}|{DateTimeOffset.MaxValue.UtcTicks - envelope.ReceivedAt.UtcTicks:D19}|{envelope.Id}";
        await Table.UpsertEntityAsync(new TableEntity(PartitionOf(entity, Text("customer_id"), Text("user_id"), data.GetProperty("entity_id").GetString()!), row)
        {
            ["Stored"] = stored.GetRawText(),
            ["CreatedAt"] = envelope.ReceivedAt,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// The events of the given recordings in one partition, newest first; with <paramref name="latestOnly"/>, only
    /// the newest of each recording.
    /// </summary>
    public async Task<List<AnalyticsRecording>> SearchAsync(string partition, IEnumerable<string> recordingIds, bool latestOnly,
        CancellationToken cancellationToken)
    {
        var found = new List<AnalyticsRecording>();
        foreach (var recording in recordingIds.Distinct(StringComparer.Ordinal))
        {
            var prefix = TableKeys.Escape(recording) + "|";
            // '}' is the character after '|': the range holds exactly the rows of this recording.
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}");
            await foreach (var entity in Table.QueryAsync<TableEntity>(filter, maxPerPage: latestOnly ? 1 : 1000,
                               select: ["Stored", "CreatedAt"], cancellationToken: cancellationToken))
            {
                using var document = JsonDocument.Parse(entity.GetString("Stored"));
                found.Add(new AnalyticsRecording(document.RootElement.Clone(), entity.GetDateTimeOffset("CreatedAt") ?? default));
                if (latestOnly) break;
            }
        }
        return found.OrderByDescending(r => r.CreatedAt).ToList();
    }

    public static string Timestamp(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
