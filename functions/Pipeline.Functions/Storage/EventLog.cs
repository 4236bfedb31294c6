using Azure;
using Azure.Data.Tables;
using Pipeline.Functions.Envelope;

namespace Pipeline.Functions.Storage;

/// <summary>
/// The event log: every accepted event, keyed PartitionKey = subject, RowKey = envelope id. Version 7 ids sort
/// by time, so a subject's events over a period are one range query, and replay reads them in order.
/// </summary>
public sealed class EventLog(StorageAccount storage)
{
    // A string property holds at most 64 KiB (32K UTF-16 chars); larger payloads are split across Data, Data1, ...
    private const int ChunkChars = 30_000;

    private TableClient Table => storage.Table(TableNames.Events);

    /// <returns>false when the event was already recorded (a redelivery): nothing is changed then.</returns>
    public async Task<bool> RecordAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(TableKeys.Escape(envelope.Subject), envelope.Id.ToString())
        {
            ["Type"] = envelope.Type,
            ["Source"] = envelope.Source,
            ["Subject"] = envelope.Subject,
            ["ReceivedAt"] = envelope.ReceivedAt,
            ["SchemaVersion"] = envelope.SchemaVersion,
        };
        var data = envelope.Data.GetRawText();
        for (int i = 0, chunk = 0; i < data.Length; i += ChunkChars, chunk++)
            entity[chunk == 0 ? "Data" : $"Data{chunk}"] = data.Substring(i, Math.Min(ChunkChars, data.Length - i));

        try
        {
            await Table.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }
}
