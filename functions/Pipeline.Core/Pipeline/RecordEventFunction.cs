using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Storage;

namespace Pipeline.Functions.Pipeline;

/// <summary>
/// The Recorder: persists every event to the event log (insert-if-absent), then publishes it once to the
/// <see cref="EventSubscription.Topic"/>, whose subscriptions take it on to each consumer: destinations and
/// projections alike. It knows no consumer and no event type. A redelivered message finds the event recorded and
/// publishes it again under the same message id, which the broker's duplicate detection drops.
/// </summary>
public sealed class RecordEventFunction(EventLog eventLog) : IFunction
{
    public static readonly QueueOutput Recorded = new("recorded", EventSubscription.Topic);

    public FunctionBindings Definition { get; } = FunctionBindings.Queue("RecordEvent", QueueNames.Events, Recorded);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var envelope = EventEnvelope.Parse(invocation.Message!);
        var isNew = await eventLog.RecordAsync(envelope, cancellationToken);
        Telemetry.PipelineTelemetry.RecordRecorded(envelope.Type, isNew);
        return InvocationResult.Done()
            .Log(isNew ? $"recorded {envelope.Type} {envelope.Id}" : $"{envelope.Id} was already recorded")
            .Send(Recorded, envelope.InCurrentTrace().ToJson());
    }
}
