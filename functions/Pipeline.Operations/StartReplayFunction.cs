namespace Pipeline.Functions.Operations;

/// <summary>
/// <c>POST /api/ops/replay</c>: sends matching events from the event log to a destination's subscription again.
/// Answers at once with the count; a dry run changes nothing and lists the first ids; a real run does its first page
/// now (200 when that was all, 202 with the replay's id when more pages follow on the <c>replays</c> queue).
/// </summary>
[CheckCaller<AdminApiKey>]
public sealed class StartReplayFunction(Replayer replayer, TimeProvider clock)
{
    public const string Name = "StartReplay";
    private const int MaxBodyBytes = 16 * 1024;

    [Function(Name)]
    public async Task<StartReplayOutput> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = AdminRoutes.Prefix + "/replay")] HttpRequestData request,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        if (RequestBodies.ReadJsonObject(request, MaxBodyBytes, out var body) is { } refused)
            return new StartReplayOutput { Response = AdminHttp.Problem(request, (int)refused.Status, "body", refused.Message) };
        var replay = RequestBodies.Bind(body, OperationsJson.Default.ReplayBody, out var problems).Check(problems, replayer.Destinations, clock);
        if (replay is null)
            return new StartReplayOutput { Response = AdminHttp.BadRequest(request, problems.First.Key, problems.First.Value) };

        var preview = await replayer.PreviewAsync(replay, cancellationToken);
        if (replay.DryRun)
        {
            return new StartReplayOutput
            {
                Response = AdminHttp.Ok(request, preview with { DryRun = true, Request = replay.ToAnswer() }, OperationsJson.Default.ReplayPreview),
            };
        }

        var (job, run) = await replayer.StartAsync(replay, preview.Count, cancellationToken);
        context.GetLogger(Name).LogInformation("{Line}", run.Line);
        var answer = job.ToAnswer() with { Count = job.Matched, Progress = $"/api/{AdminRoutes.Route("replays/" + job.Id)}" };
        return new StartReplayOutput
        {
            Response = AdminHttp.Json(request, job.Status == ReplayJob.Done ? HttpStatusCode.OK : HttpStatusCode.Accepted, answer,
                OperationsJson.Default.ReplayProgress),
            Replayed = run.Replayed,
            NextPage = run.Next?.ToJson(),
        };
    }
}

/// <summary>The answer; for a replay that ran its first page, that page's events and the next page.</summary>
public sealed class StartReplayOutput
{
    [HttpResult]
    public required HttpResponseData Response { get; init; }

    [ServiceBusOutput(EventSubscription.Topic)]
    public IReadOnlyList<OutputMessage> Replayed { get; init; } = [];

    [ServiceBusOutput(Replayer.QueueName)]
    public JsonElement? NextPage { get; init; }
}
