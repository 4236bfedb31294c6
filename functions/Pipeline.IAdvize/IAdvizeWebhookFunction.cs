namespace Pipeline.Functions.IAdvize;

/// <summary>
/// <c>POST /api/webhooks/iadvize</c>: iAdvize's signed webhooks (seed 003's webhooks). The signature is checked first, on
/// the raw bytes; a signed body with an <c>eventType</c> is answered 200 at once and queued on <c>events</c> as
/// <c>iadvize.&lt;eventType&gt;</c>, every copy of one event under one envelope id (<see cref="WebhookDeduplication"/>).
/// </summary>
public sealed class IAdvizeWebhookFunction(IAdvizeWebhookSignature signature, WebhookDeduplication deduplication, TimeProvider clock)
{
    [Function("IAdvizeWebhook")]
    public async Task<IAdvizeWebhookOutput> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/iadvize")] HttpRequestData request,
        FunctionContext context, CancellationToken cancellationToken)
    {
        if (signature.Problem(request) is { } unsigned) return new() { Response = request.CreateErrorResponse(401, "unauthorized", unsigned) };

        var (parsed, status, problem) = WebhookPayload.Parse(request);
        if (parsed is null) return new() { Response = request.CreateErrorResponse(status, "bad_request", problem!) };

        var now = clock.GetUtcNow();
        var type = IAdvizeEvents.TypeOf(parsed.EventType);
        var identity = await deduplication.IdentifyAsync(parsed.EventType, parsed.EventId, parsed.CorrelationId, request.RawBody(),
            new WebhookIdentity(Guid.CreateVersion7(now), IAdvizeSubjects.Of(parsed.Data), now, Duplicate: false), cancellationToken);
        var data = JsonSerializer.SerializeToElement(parsed.Data, PipelineJson.Default.JsonNode);
        var envelope = new EventEnvelope(identity.EnvelopeId, type, IAdvizeEvents.Source, identity.Subject, identity.ReceivedAt, data);

        var answer = new WebhookAccepted("accepted", identity.EnvelopeId.ToString(), type, identity.Duplicate);
        context.GetLogger(nameof(IAdvizeWebhookFunction)).LogInformation("{Line}",
            (identity.Duplicate ? $"{type} {identity.EnvelopeId}: a copy of an event already accepted" : $"{type} {identity.EnvelopeId} accepted")
            + (IAdvizeEvents.Known.Contains(type) ? "" : " (an event type the iAdvize doc does not list; stored as it is)"));
        return new() { Response = request.CreateJsonResponse(HttpStatusCode.OK, answer, IAdvizeJson.Default.WebhookAccepted), Event = envelope.ToJson() };
    }
}

/// <summary>The webhook's answer, and the accepted event for <c>events</c> (none when refused).</summary>
public sealed class IAdvizeWebhookOutput
{
    [HttpResult]
    public required HttpResponseData Response { get; init; }

    [ServiceBusOutput(QueueNames.Events)]
    public JsonElement? Event { get; init; }
}
