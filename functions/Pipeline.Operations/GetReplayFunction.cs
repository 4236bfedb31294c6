using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Operations;

/// <summary><c>GET /api/ops/replays/{id}</c>: a replay's progress (matched, queued, refused and why, pages run).</summary>
public sealed class GetReplayFunction(AdminApiKey adminKey, Replayer replayer) : IFunction
{
    public FunctionDefinition Definition { get; } = AdminRoutes.Get("GetReplay", "replays/{id}");

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var request = invocation.Request!;
        if (adminKey.Check(request) is { } denied) return InvocationResult.Http(denied);
        if (!Guid.TryParse(request.RouteParams.GetValueOrDefault("id"), out var id))
            return AdminHttp.BadRequest("id", "must be a replay id (a GUID)");
        return await replayer.ReadAsync(id, cancellationToken) is { } job
            ? AdminHttp.Ok(job.ToJson())
            : AdminHttp.Problem(404, "id", $"no replay {id}");
    }
}
