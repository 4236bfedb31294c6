namespace Pipeline.Functions.Intercom;

/// <summary>
/// <c>GET /api/all</c>: starts the statistics sweep (or reports the one running) and answers at once, as the seed's
/// <c>{"content":"ok"}</c> with the sweep's id. <c>?force=true</c> syncs every site, changed or not. A force asked
/// of a sweep that is already running without it is not applied (its pages done so far were not forced), and the
/// answer says so in <c>message</c>.
/// </summary>
public sealed class StartStatisticsSweepFunction(StatisticsSweep sweep)
{
    [Function("StartStatisticsSweep")]
    public async Task<SweepStartOutput> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "all")] HttpRequestData req,
        CancellationToken cancellationToken)
    {
        var force = req.Query.GetValues("force")?.Any(v => v is "true" or "1") == true;
        var (state, outcome) = await sweep.StartAsync(force, cancellationToken);
        var status = outcome switch
        {
            StatisticsSweep.StartOutcome.Started => "started",
            StatisticsSweep.StartOutcome.Resumed => "resumed",
            _ => "already running",
        };
        var answer = req.CreateJsonResponse(HttpStatusCode.OK,
            new SweepStarted("ok", state.SweepId, status, state.Force, ForceNotApplied(force, state, outcome)),
            IntercomJson.Default.SweepStarted);
        return new SweepStartOutput
        {
            Response = answer,
            FirstPage = outcome == StatisticsSweep.StartOutcome.AlreadyRunning ? null : new SweepPage(state.SweepId, state.Continuation).ToJson(),
        };
    }

    private static string? ForceNotApplied(bool requested, SweepState state, StatisticsSweep.StartOutcome outcome) =>
        requested && !state.Force && outcome != StatisticsSweep.StartOutcome.Started
            ? $"force=true was not applied: sweep {state.SweepId}, started without it at {state.StartedAt:u}, is still running " +
              "and only syncs the sites that changed; ask again once it is done (GET /api/ops/sweep shows its progress)"
            : null;
}

/// <summary>The seed's <c>{"content":"ok"}</c> with the sweep's id and state; <c>message</c> only when a force was not applied.</summary>
public sealed record SweepStarted(string Content, Guid SweepId, string Status, bool Force, string? Message);

/// <summary>The answer, and the sweep's first page for its queue when this call started or resumed it.</summary>
public sealed class SweepStartOutput
{
    [HttpResult]
    public required HttpResponseData Response { get; init; }

    [ServiceBusOutput(StatisticsSweep.QueueName)]
    public JsonElement? FirstPage { get; init; }
}
