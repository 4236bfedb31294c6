using System.Text.Json;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.IAdvize;

/// <summary>
/// <c>POST /api/webhooks/iadvize</c>: iAdvize's signed webhooks (digest §3). The signature is checked first, on
/// the raw bytes; a signed body with an <c>eventType</c> is answered 200 at once and queued on <c>events</c> as
/// <c>iadvize.&lt;eventType&gt;</c>, every copy of one event under one envelope id (<see cref="WebhookDeduplication"/>).
/// </summary>
public sealed class IAdvizeWebhookFunction(WebhookSignature signature, WebhookDeduplication deduplication, TimeProvider clock)
    : IFunction
{
    public static readonly QueueOutput Events = new("events", QueueNames.Events);

    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("IAdvizeWebhook", "webhooks/iadvize", ["post"], AuthLevel.Anonymous, Events);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var request = invocation.Request!;
        if (signature.Problem(request) is { } unsigned) return InvocationResult.Http(InvocationResponse.Error(401, "unauthorized", unsigned));

        var (parsed, status, problem) = WebhookPayload.Parse(request);
        if (parsed is null) return InvocationResult.Http(InvocationResponse.Error(status, "bad_request", problem!));

        var now = clock.GetUtcNow();
        var type = IAdvizeEvents.TypeOf(parsed.EventType);
        var identity = await deduplication.IdentifyAsync(parsed.EventType, parsed.EventId, parsed.CorrelationId, WebhookSignature.Body(request),
            new WebhookIdentity(Guid.CreateVersion7(now), IAdvizeSubjects.Of(parsed.Data), now, Duplicate: false), cancellationToken);
        var data = JsonSerializer.SerializeToElement(parsed.Data, PipelineJson.Default.JsonNode);
        var envelope = new EventEnvelope(identity.EnvelopeId, type, IAdvizeEvents.Source, identity.Subject, identity.ReceivedAt, data);

        var answer = RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "accepted");
            w.WriteString("id", identity.EnvelopeId.ToString());
            w.WriteString("type", type);
            w.WriteBoolean("duplicate", identity.Duplicate);
            w.WriteEndObject();
        });
        return InvocationResult.Http(new InvocationResponse(200, answer))
            .Send(Events, envelope.ToJson())
            .Log((identity.Duplicate ? $"{type} {identity.EnvelopeId}: a copy of an event already accepted" : $"{type} {identity.EnvelopeId} accepted")
                 + (IAdvizeEvents.Known.Contains(type) ? "" : " (an event type the iAdvize doc does not list; stored as it is)"));
    }
}
