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
    private TableClient Table => storage.Table(TableNames.Events);

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
