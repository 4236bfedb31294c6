using System.Text.Json;
using Pipeline.Functions.Analytics;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Storage;

namespace Pipeline.Functions.Pipeline;

/// <summary>
/// The Recorder: persists every event to the event log before anything is forwarded, then routes it to the
/// destinations' queues. A redelivered message finds the event already recorded and is routed again; the
/// forwarders' delivery records keep that from reaching a destination twice.
/// </summary>
public sealed class RecordEventFunction(EventLog eventLog, SiteDirectory sites, AnalyticsIndex analytics) : IFunction
{
    public static readonly QueueOutput ToIntercom = new("intercom", QueueNames.Intercom);
    public static readonly QueueOutput ToIAdvize = new("iadvize", QueueNames.IAdvize);

    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Queue("RecordEvent", QueueNames.Events, ToIntercom, ToIAdvize);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var envelope = EventEnvelope.Parse(invocation.Message!);
        var isNew = await eventLog.RecordAsync(envelope, cancellationToken);
        if (envelope.Type == "push.statistics" && Subjects.SiteId(envelope.Subject) is { } siteId)
            await Intercom.StatisticsSync.RememberAsync(sites, envelope, siteId, cancellationToken);
        if (AnalyticsKind.OfEventType(envelope.Type) is not null)
            await analytics.IndexAsync(envelope, cancellationToken);

        var result = InvocationResult.Done()
            .Log(isNew ? $"recorded {envelope.Type} {envelope.Id}" : $"{envelope.Id} was already recorded");
        Telemetry.PipelineTelemetry.RecordRecorded(envelope.Type, isNew);
        foreach (var destination in Routes(envelope))
            result.Send(destination, envelope.InCurrentTrace().ToJson());
        return result;
    }

    /// <summary>Which destinations an event goes to, by its type.</summary>
    public static IEnumerable<QueueOutput> Routes(EventEnvelope envelope)
    {
        if (envelope.Type.StartsWith("push.", StringComparison.Ordinal)) yield return ToIntercom;
        // Identified visitors are synced to iAdvize (its forwarder is a later piece; the queue keeps them until then).
        if (envelope.Type is "tracking.web.init" or "tracking.mobile.init"
            && envelope.Data.TryGetProperty("identified", out var identified) && identified.ValueKind == JsonValueKind.True)
            yield return ToIAdvize;
    }
}
