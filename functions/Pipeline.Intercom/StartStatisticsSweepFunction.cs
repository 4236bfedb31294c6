using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Intercom;

/// <summary>
/// <c>GET /api/all</c>: starts the statistics sweep (or reports the one running) and answers at once, as the seed's
/// <c>{"content":"ok"}</c> with the sweep's id. <c>?force=true</c> syncs every site, changed or not. A force asked
/// of a sweep that is already running without it is not applied (its pages done so far were not forced), and the
/// answer says so in <c>message</c>.
/// </summary>
public sealed class StartStatisticsSweepFunction(StatisticsSweep sweep) : IFunction
{
    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("StartStatisticsSweep", "all", ["get"], AuthLevel.Function, StatisticsSweep.Pages);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var force = invocation.Request!.Query.TryGetValue("force", out var values) && values.Any(v => v is "true" or "1");
        var (state, outcome) = await sweep.StartAsync(force, cancellationToken);
        var result = InvocationResult.Http(new InvocationResponse(200, RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("content", "ok");
            w.WriteString("sweepId", state.SweepId);
            w.WriteString("status", outcome switch
            {
                StatisticsSweep.StartOutcome.Started => "started",
                StatisticsSweep.StartOutcome.Resumed => "resumed",
                _ => "already running",
            });
            w.WriteBoolean("force", state.Force);
            if (ForceNotApplied(force, state, outcome) is { } message) w.WriteString("message", message);
            w.WriteEndObject();
        })));
        if (outcome != StatisticsSweep.StartOutcome.AlreadyRunning)
            result.Send(StatisticsSweep.Pages, new SweepPage(state.SweepId, state.Continuation).ToJson());
        return result;
    }

    private static string? ForceNotApplied(bool requested, SweepState state, StatisticsSweep.StartOutcome outcome) =>
        requested && !state.Force && outcome != StatisticsSweep.StartOutcome.Started
            ? $"force=true was not applied: sweep {state.SweepId}, started without it at {state.StartedAt:u}, is still running " +
              "and only syncs the sites that changed; ask again once it is done (GET /api/ops/sweep shows its progress)"
            : null;
}
