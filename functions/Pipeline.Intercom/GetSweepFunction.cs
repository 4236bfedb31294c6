using System.Text.Json.Nodes;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Intercom;

/// <summary><c>GET /api/ops/sweep</c>: the statistics sweep's progress (pages done, syncs enqueued, whether it stalled).</summary>
public sealed class GetSweepFunction(AdminApiKey adminKey, StatisticsSweep sweep, TimeProvider clock) : IFunction
{
    public FunctionDefinition Definition { get; } = AdminRoutes.Get("GetSweep", "sweep");

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        if (adminKey.Check(invocation.Request!) is { } denied) return InvocationResult.Http(denied);
        var state = await sweep.ReadAsync(cancellationToken);
        if (state is null) return AdminHttp.Ok(new JsonObject { ["status"] = "never_run" });
        var stalled = state.Status == SweepState.Running && clock.GetUtcNow() - state.UpdatedAt >= StatisticsSweep.StalledAfter;
        return AdminHttp.Ok(new JsonObject
        {
            ["sweep_id"] = state.SweepId.ToString(),
            ["status"] = stalled ? "stalled" : state.Status,
            ["force"] = state.Force,
            ["pages"] = state.Pages,
            ["page_size"] = StatisticsSweep.PageSize,
            ["enqueued"] = state.Enqueued,
            ["started_at"] = AdminHttp.Iso(state.StartedAt),
            ["updated_at"] = AdminHttp.Iso(state.UpdatedAt),
        });
    }
}
