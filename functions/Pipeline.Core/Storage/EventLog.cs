using Azure;

namespace Pipeline.Functions.Storage;

/// <summary>
/// The event log: every accepted event, keyed PartitionKey = subject, RowKey = envelope id. Version 7 ids sort
/// by time, so a subject's events over a period are one range query, and replay reads them in order. A small
/// lookup row per event (<c>EventIds</c>: PartitionKey = id) names its subject, so an event is found by id alone.
/// </summary>
public sealed class EventLog(StorageAccount storage)
{
    private TableClient Table => storage.Table(TableNames.Events);
    private TableClient Ids => storage.Table(TableNames.EventIds);

    /// <returns>false when the event was already recorded (a redelivery): nothing is changed then.</returns>
    public async Task<bool> RecordAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(TableKeys.Key(envelope.Subject), envelope.Id.ToString())
        {
            ["Type"] = envelope.Type,
            ["Source"] = envelope.Source,
            ["Subject"] = envelope.Subject,
            ["ReceivedAt"] = envelope.ReceivedAt,
            ["SchemaVersion"] = envelope.SchemaVersion,
        };
        // Payloads over a string property's limit are split across Data, Data1, ... (ChunkedText).
        ChunkedText.Write(entity, "Data", envelope.Data.GetRawText());

        // The lookup is an idempotent upsert made on every delivery of the message, redeliveries included, so a
        // failure of either write is mended by the redelivery it causes.
        var lookup = Ids.UpsertEntityAsync(new TableEntity(envelope.Id.ToString(), "") { ["Subject"] = envelope.Subject },
            TableUpdateMode.Replace, cancellationToken);
        try
        {
            await Table.AddEntityAsync(entity, cancellationToken);
            await lookup;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            await lookup;
            return false;
        }
    }

    /// <summary>The stored envelope with this id, or null when no event has it.</summary>
    public async Task<EventEnvelope?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var lookup = await Ids.GetEntityIfExistsAsync<TableEntity>(id.ToString(), "", cancellationToken: cancellationToken);
        return lookup.HasValue ? await ReadAsync(lookup.Value!.GetString("Subject"), id, cancellationToken) : null;
    }

    /// <summary>The stored envelope of a subject's event, or null when it is not in the log.</summary>
    public async Task<EventEnvelope?> ReadAsync(string subject, Guid id, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Key(subject), id.ToString(),
            cancellationToken: cancellationToken);
        if (!response.HasValue) return null;
        var entity = response.Value!;
        using var document = System.Text.Json.JsonDocument.Parse(ChunkedText.Read(entity, "Data") ?? "null");
        return new EventEnvelope(id, entity.GetString("Type"), entity.GetString("Source"), entity.GetString("Subject"),
            entity.GetDateTimeOffset("ReceivedAt") ?? default, document.RootElement.Clone(),
            entity.GetInt32("SchemaVersion") ?? EventEnvelope.CurrentSchemaVersion);
    }
}
