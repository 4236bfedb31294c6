namespace Pipeline.Functions.IAdvize;

/// <summary>Reads one subject's events from the event log as envelopes: one partition, oldest first (RowKeys are v7 ids).</summary>
public sealed class SubjectHistory(StorageAccount storage)
{
    /// <summary>At most this many events of a subject are read for a profile.</summary>
    public const int MaxEvents = 5_000;

    public async Task<List<EventEnvelope>> ReadAsync(string subject, CancellationToken cancellationToken)
    {
        var events = new List<EventEnvelope>();
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
            events.Add(new EventEnvelope(Guid.TryParse(row.RowKey, out var id) ? id : Guid.Empty, row.GetString("Type") ?? "",
                row.GetString("Source") ?? "", row.GetString("Subject") ?? subject, row.GetDateTimeOffset("ReceivedAt") ?? row.Timestamp ?? default,
                parsed));
            if (events.Count >= MaxEvents) break;
        }
        return events;
    }
}
