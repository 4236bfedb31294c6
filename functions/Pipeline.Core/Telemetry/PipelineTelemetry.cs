using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pipeline.Functions.Telemetry;

/// <summary>
/// The pipeline's own spans and metrics: one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named
/// <c>Pipeline</c>. Call sites record with one line; nothing here takes a payload, a URL or a header, so no caller
/// data can reach a span or a metric through it.
/// </summary>
public static class PipelineTelemetry
{
    public const string Name = "Pipeline";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Accepted = Meter.CreateCounter<long>("pipeline.events.accepted", "{event}",
        "Events an HTTP function accepted and put on the events queue");
    private static readonly Counter<long> Recorded = Meter.CreateCounter<long>("pipeline.events.recorded", "{event}",
        "Events the Recorder wrote to the event log (duplicate = a redelivery that found it already there)");
    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("pipeline.deliveries", "{delivery}",
        "Delivery outcomes per destination: delivered, failed, skipped, retrying");
    private static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("pipeline.messages.dead_lettered", "{message}",
        "Messages moved to a poison queue after their last delivery");
    private static readonly Histogram<double> OutboundDuration = Meter.CreateHistogram("pipeline.outbound.duration", "s",
        "Duration of each outbound HTTP call, per destination", tags: null, advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30],
        });

    /// <summary>The current span as a W3C <c>traceparent</c>, for a message that continues the trace.</summary>
    public static string? CurrentTraceparent =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>An accepted event, counted per type prefix (<c>push</c>, <c>tracking</c>, <c>analytics</c>, …).</summary>
    public static void RecordAccepted(string eventType) =>
        Accepted.Add(1, new KeyValuePair<string, object?>("pipeline.event.prefix", Prefix(eventType)));

    public static void RecordRecorded(string eventType, bool isNew) =>
        Recorded.Add(1, new KeyValuePair<string, object?>("pipeline.event.prefix", Prefix(eventType)),
            new KeyValuePair<string, object?>("pipeline.event.duplicate", !isNew));

    /// <param name="status">delivered, failed (refused for good), skipped, or retrying (transient; redelivered).</param>
    public static void RecordDeliveryOutcome(string destination, string status) =>
        Deliveries.Add(1, new KeyValuePair<string, object?>("pipeline.destination", destination),
            new KeyValuePair<string, object?>("pipeline.delivery.status", status.ToLowerInvariant()));

    public static void RecordDeadLettered(string queue, string function) =>
        DeadLettered.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", queue),
            new KeyValuePair<string, object?>("faas.name", function));

    /// <param name="statusCode">The response status, or null when no response came (timeout, no connection).</param>
    public static void RecordOutboundDuration(string destination, TimeSpan elapsed, int? statusCode, string? errorType = null)
    {
        var tags = new TagList { { "pipeline.destination", destination } };
        if (statusCode is { } status) tags.Add("http.response.status_code", status);
        if (errorType is not null) tags.Add("error.type", errorType);
        OutboundDuration.Record(elapsed.TotalSeconds, tags);
    }

    private static string Prefix(string eventType)
    {
        var dot = eventType.IndexOf('.');
        return dot > 0 ? eventType[..dot] : eventType;
    }

    /// <summary>
    /// The span of one invocation. A queue invocation is a consumer span whose parent is the envelope's
    /// <c>traceparent</c>; an HTTP invocation continues the caller's <c>traceparent</c> when the request carries
    /// one that the server span did not already continue (under the Functions host it arrives in
    /// <c>Data.req.Headers</c>); anything else is a child of the current span, or a new trace.
    /// </summary>
    public static Activity? StartInvocation(FunctionBindings definition, Invocation invocation, EnvelopeFields envelope)
    {
        if (!Source.HasListeners()) return null;
        var current = Activity.Current;
        ActivityContext parent = default;
        var kind = ActivityKind.Internal;
        string trigger;
        switch (definition.Trigger)
        {
            case MessageTrigger:
                trigger = "pubsub";
                kind = ActivityKind.Consumer;
                if (TryParse(envelope.Traceparent, null, out var fromEnvelope)) parent = fromEnvelope;
                break;
            case HttpRoute:
                trigger = "http";
                if (invocation.Request is { } request
                    && TryParse(request.Header("traceparent"), request.Header("tracestate"), out var fromCaller)
                    && fromCaller.TraceId != current?.TraceId)
                {
                    parent = fromCaller;
                    kind = ActivityKind.Server;
                }
                break;
            default:
                trigger = "timer";
                break;
        }

        // The span that delivered the invocation (the host's call, say) stays reachable as a link.
        IEnumerable<ActivityLink>? links = parent != default && current is not null ? [new ActivityLink(current.Context)] : null;
        var activity = Source.StartActivity(definition.Name, kind, parent, tags: null, links);
        if (activity is not { IsAllDataRequested: true }) return activity;

        activity.SetTag("faas.name", definition.Name);
        activity.SetTag("faas.trigger", trigger);
        if (definition.Trigger is MessageTrigger queue)
        {
            activity.SetTag("messaging.destination.name", queue.QueueName);
            activity.SetTag("messaging.operation.type", "process");
            if (invocation.MessageId is { } messageId) activity.SetTag("messaging.message.id", messageId);
            activity.SetTag("pipeline.delivery_count", invocation.DeliveryCount);
        }
        if (envelope.Id is { } id) activity.SetTag("pipeline.event.id", id);
        if (envelope.Type is { } type) activity.SetTag("pipeline.event.type", type);
        return activity;
    }

    private static bool TryParse(string? traceparent, string? tracestate, out ActivityContext context)
    {
        context = default;
        return !string.IsNullOrEmpty(traceparent) && ActivityContext.TryParse(traceparent, tracestate, isRemote: true, out context);
    }
}
