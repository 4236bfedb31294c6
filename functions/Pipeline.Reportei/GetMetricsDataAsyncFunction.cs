namespace Pipeline.Functions.Reportei;

/// <summary>
/// <c>POST /api/metrics/get-data-async</c> (seed 004): get-data's request plus <c>metrics_webhook_url</c>. Checks it
/// as get-data does (same 4xx) and the URL against the SSRF guard, stores the job, answers
/// <c>{"status":"accepted","job_id":…}</c> at once and queues the job on <c>metrics-jobs</c>.
/// </summary>
[CheckCaller<ReporteiBearer>]
public sealed class GetMetricsDataAsyncFunction(
    MetricsIntegrations integrations,
    MetricsJobs jobs,
    WebhookGuard guard,
    IOptionsMonitor<ReporteiOptions> options)
{
    [Function("MetricsGetDataAsync")]
    public async Task<MetricsJobOutput> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "metrics/get-data-async")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        if (RequestBodies.ReadJsonObject(request, MetricsDataBody.MaxBodyBytes, out var json, emptyIsNoFields: true) is { } refused)
            return new() { Response = ReporteiResponses.Error(request, (int)refused.Status, refused.Message) };

        // The URL's problems join the other fields' in one 422.
        var body = RequestBodies.Bind(json, ReporteiJson.Default.MetricsDataBody, out var problems);
        var parsed = body.Check(problems);
        var url = body.WebhookUrl(problems);
        if (url is not null && await guard.ProblemAsync(url, cancellationToken) is { } problem) problems.Add("metrics_webhook_url", problem);
        if (problems.Any) return new() { Response = ReporteiResponses.Invalid(request, problems.All) };

        if (StandardWebhookSignature.KeyOf(options.CurrentValue.WebhookSecret) is null)
            return new() { Response = ReporteiResponses.Error(request, 503,
                "callbacks cannot be signed: Reportei__WebhookSecret (whsec_ + base64) is not set; use get-data meanwhile") };
        if (await integrations.FindAsync(parsed!.CustomerIntegration, cancellationToken) is null)
            return new() { Response = ReporteiResponses.Error(request, 404, $"customer_integration {parsed.CustomerIntegration} is not registered") };

        var job = await jobs.CreateAsync(url!, json.GetRawText(), cancellationToken);
        return new()
        {
            Response = request.CreateJsonResponse(HttpStatusCode.OK, new MetricsJobAccepted("accepted", job.Id), ReporteiJson.Default.MetricsJobAccepted),
            Job = MetricsJobMessage.Of(job.Id),
        };
    }
}

/// <summary>The answer, and the accepted job's message for <c>metrics-jobs</c> (none when refused).</summary>
public sealed class MetricsJobOutput
{
    [HttpResult]
    public required HttpResponseData Response { get; init; }

    [ServiceBusOutput(MetricsJobs.QueueName)]
    public JsonElement? Job { get; init; }
}

/// <summary>The <c>metrics-jobs</c> message: <c>{"job_id":…}</c>; the job itself is in its table row.</summary>
public static class MetricsJobMessage
{
    public static JsonElement Of(Guid jobId)
    {
        using var document = JsonDocument.Parse(RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("job_id", jobId.ToString("D"));
            w.WriteEndObject();
        }));
        return document.RootElement.Clone();
    }

    /// <exception cref="JsonException">Not a job message; such a message can never succeed.</exception>
    public static Guid Parse(string message)
    {
        using var document = JsonDocument.Parse(message);
        return document.RootElement.ValueKind == JsonValueKind.Object
               && document.RootElement.TryGetProperty("job_id", out var id) && id.ValueKind == JsonValueKind.String
               && Guid.TryParse(id.GetString(), out var jobId)
            ? jobId
            : throw new JsonException("not a metrics job message: {\"job_id\":…} expected");
    }
}
