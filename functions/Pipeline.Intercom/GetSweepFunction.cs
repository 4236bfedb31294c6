using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Intercom;

/// <summary><c>GET /api/ops/sweep</c>: the statistics sweep's progress (pages done, syncs enqueued, whether it stalled).</summary>
public sealed class GetSweepFunction(StatisticsSweep sweep, TimeProvider clock)
{
    [Function("GetSweep")]
    [CheckCaller<AdminApiKey>]
    [LocalAlias(AdminRoutes.LocalPrefix + "/sweep")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = AdminRoutes.Prefix + "/sweep")] HttpRequestData req,
        CancellationToken cancellationToken)
    {
        var state = await sweep.ReadAsync(cancellationToken);
        if (state is null) return AdminHttp.Ok(req, new JsonObject { ["status"] = "never_run" });
        var stalled = state.Status == SweepState.Running && clock.GetUtcNow() - state.UpdatedAt >= StatisticsSweep.StalledAfter;
        return AdminHttp.Ok(req, new JsonObject
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
