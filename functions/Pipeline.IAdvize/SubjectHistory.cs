using System.Text.Json;
using Azure.Data.Tables;
using Pipeline.Functions.Storage;

namespace Pipeline.Functions.IAdvize;

/// <summary>One event of the event log, as the visitor profile reads it.</summary>
public sealed record LoggedEvent(Guid Id, string Type, DateTimeOffset ReceivedAt, JsonElement Data);

/// <summary>Reads one subject's events from the event log: one partition, oldest first (RowKeys are v7 ids).</summary>
public sealed class SubjectHistory(StorageAccount storage)
{
    /// <summary>At most this many events of a subject are read for a profile.</summary>
    public const int MaxEvents = 5_000;

    public async Task<List<LoggedEvent>> ReadAsync(string subject, CancellationToken cancellationToken)
    {
        var events = new List<LoggedEvent>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Key(subject)}");
        await foreach (var row in storage.Table(TableNames.Events).QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            JsonElement parsed;
            try
            {
                using var document = JsonDocument.Parse(ChunkedText.Read(row, "Data") ?? "{}");
                parsed = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                continue;
            }
            events.Add(new LoggedEvent(Guid.TryParse(row.RowKey, out var id) ? id : Guid.Empty, row.GetString("Type") ?? "",
                row.GetDateTimeOffset("ReceivedAt") ?? row.Timestamp ?? default, parsed));
            if (events.Count >= MaxEvents) break;
        }
        return events;
    }
}
