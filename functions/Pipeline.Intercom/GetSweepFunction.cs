namespace Pipeline.Functions.Intercom;

/// <summary><c>GET /api/ops/sweep</c>: the statistics sweep's progress (pages done, syncs enqueued, whether it stalled).</summary>
[CheckCaller<AdminApiKey>]
public sealed class GetSweepFunction(StatisticsSweep sweep, TimeProvider clock)
{
    [Function("GetSweep")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = AdminRoutes.Prefix + "/sweep")] HttpRequestData req,
        CancellationToken cancellationToken)
    {
        var state = await sweep.ReadAsync(cancellationToken);
        if (state is null) return AdminHttp.Ok(req, new SweepNeverRun("never_run"), IntercomJson.Default.SweepNeverRun);
        var stalled = state.Status == SweepState.Running && clock.GetUtcNow() - state.UpdatedAt >= StatisticsSweep.StalledAfter;
        return AdminHttp.Ok(req, new SweepProgress(state.SweepId, stalled ? "stalled" : state.Status, state.Force, state.Pages,
            StatisticsSweep.PageSize, state.Enqueued, AdminHttp.Iso(state.StartedAt), AdminHttp.Iso(state.UpdatedAt)),
            IntercomJson.Default.SweepProgress);
    }
}

/// <summary>No sweep has run yet.</summary>
public sealed record SweepNeverRun(string Status);

/// <summary>A sweep's progress, in the admin API's snake_case.</summary>
public sealed record SweepProgress(
    [property: JsonPropertyName("sweep_id")] Guid SweepId,
    string Status,
    bool Force,
    int Pages,
    [property: JsonPropertyName("page_size")] int PageSize,
    int Enqueued,
    [property: JsonPropertyName("started_at")] string StartedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt);
