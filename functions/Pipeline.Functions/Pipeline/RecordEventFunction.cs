using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Storage;

namespace Pipeline.Functions.Pipeline;

/// <summary>
/// The Recorder: persists every event to the event log before anything is forwarded, runs the projections the
/// modules registered, then sends the event on along the routes they registered. A redelivered message finds the
/// event already recorded and is projected and routed again; projections are idempotent, and the forwarders'
/// delivery records keep a destination from seeing it twice.
/// </summary>
public sealed class RecordEventFunction(EventLog eventLog, IEnumerable<IEventProjection> projections, IEnumerable<EventRoute> routes)
    : IFunction
{
    private readonly IEventProjection[] _projections = projections.ToArray();
    private readonly EventRoute[] _routes = routes.ToArray();

    public FunctionDefinition Definition { get; } = FunctionDefinition.Queue("RecordEvent", QueueNames.Events,
        routes.Select(r => r.Output).DistinctBy(o => o.BindingName).ToArray());

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var envelope = EventEnvelope.Parse(invocation.Message!);
        var isNew = await eventLog.RecordAsync(envelope, cancellationToken);
        foreach (var projection in _projections)
        {
            if (projection.Applies(envelope)) await projection.ProjectAsync(envelope, cancellationToken);
        }

        var result = InvocationResult.Done()
            .Log(isNew ? $"recorded {envelope.Type} {envelope.Id}" : $"{envelope.Id} was already recorded");
        Telemetry.PipelineTelemetry.RecordRecorded(envelope.Type, isNew);
        var forwarded = envelope.InCurrentTrace().ToJson();
        foreach (var route in _routes)
        {
            if (route.Applies(envelope)) result.Send(route.Output, forwarded);
        }
        return result;
    }
}
