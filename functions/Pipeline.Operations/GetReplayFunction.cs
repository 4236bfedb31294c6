namespace Pipeline.Functions.Operations;

/// <summary><c>GET /api/ops/replays/{id}</c>: a replay's progress (matched, queued, refused and why, pages run).</summary>
[CheckCaller<AdminApiKey>]
public sealed class GetReplayFunction(Replayer replayer)
{
    [Function("GetReplay")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = AdminRoutes.Prefix + "/replays/{id}")] HttpRequestData request,
        string id,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var replayId))
            return AdminHttp.BadRequest(request, "id", "must be a replay id (a GUID)");
        return await replayer.ReadAsync(replayId, cancellationToken) is { } job
            ? AdminHttp.Ok(request, job.ToAnswer(), OperationsJson.Default.ReplayProgress)
            : AdminHttp.Problem(request, 404, "id", $"no replay {replayId}");
    }
}
