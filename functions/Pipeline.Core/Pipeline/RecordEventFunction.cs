namespace Pipeline.Functions.Pipeline;

/// <summary>
/// The Recorder: persists every event to the event log (insert-if-absent), then publishes it once to the
/// <see cref="EventSubscription.Topic"/>, whose subscriptions take it on to each consumer: destinations and
/// projections alike. It knows no consumer and no event type. A redelivered message finds the event recorded and
/// publishes it again under the same message id, which the broker's duplicate detection drops.
/// </summary>
public sealed class RecordEventFunction(EventLog eventLog)
{
    public const string Name = "RecordEvent";

    [Function(Name)]
    [ServiceBusOutput(EventSubscription.Topic)]
    public async Task<JsonElement> Run([ServiceBusTrigger(QueueNames.Events)] string message, FunctionContext context,
        CancellationToken cancellationToken)
    {
        var envelope = EventEnvelope.Parse(message);
        var isNew = await eventLog.RecordAsync(envelope, cancellationToken);
        Telemetry.PipelineTelemetry.RecordRecorded(envelope.Type, isNew);
        context.GetLogger(Name).LogInformation("{Line}", isNew ? $"recorded {envelope.Type} {envelope.Id}" : $"{envelope.Id} was already recorded");
        return envelope.InCurrentTrace().ToJson();
    }
}
