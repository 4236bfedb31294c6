using System.Text.Json.Nodes;
using Pipeline.Functions.Delivery;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Operations;

/// <summary>
/// <c>POST /api/ops/replay</c>: sends matching events from the event log to a destination's queue again. Answers at
/// once with the count; a dry run changes nothing and lists the first ids; a real run does its first page now
/// (200 when that was all, 202 with the replay's id when more pages follow on the <c>replays</c> queue).
/// </summary>
public sealed class StartReplayFunction(AdminApiKey adminKey, Replayer replayer, IEnumerable<ReplayableDestination> destinations,
    TimeProvider clock) : IFunction
{
    private const int MaxBodyBytes = 16 * 1024;

    public FunctionBindings Definition { get; } = AdminRoutes.Post("StartReplay", "replay", Replayer.Outputs(destinations));

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var request = invocation.Request!;
        if (adminKey.Check(request) is { } denied) return InvocationResult.Http(denied);
        var problem = RequestBodies.TryReadJsonObject(request, MaxBodyBytes, out var body, out var reason);
        if (problem != RequestBodies.Problem.None)
        {
            return AdminHttp.BadRequest("body", problem switch
            {
                RequestBodies.Problem.TooLarge => $"is larger than {MaxBodyBytes} bytes",
                RequestBodies.Problem.Empty => """is empty; send {"destination":"…","status":"failed",…}""",
                RequestBodies.Problem.Malformed => $"is not valid JSON: {reason}",
                _ => "must be a JSON object",
            });
        }
        var replay = ReplayRequest.Parse(body, replayer.Destinations, clock, out var fieldProblem);
        if (replay is null) return AdminHttp.BadRequest(fieldProblem!.Value.Field, fieldProblem.Value.Message);

        var preview = await replayer.PreviewAsync(replay, cancellationToken);
        if (replay.DryRun)
        {
            preview["dry_run"] = true;
            preview["request"] = replay.ToJson();
            return AdminHttp.Ok(preview);
        }

        var (job, result) = await replayer.StartAsync(replay, preview["count"]!.GetValue<int>(), cancellationToken);
        var answer = job.ToJson();
        answer["count"] = job.Matched;
        answer["progress"] = $"/api/{AdminRoutes.Route("replays/" + job.Id)}";
        var response = AdminHttp.Json(job.Status == ReplayJob.Done ? 200 : 202, answer).Response!;
        var http = InvocationResult.Http(response);
        foreach (var (binding, messages) in result.Messages) http.Messages[binding] = messages;
        http.Logs.AddRange(result.Logs);
        return http;
    }
}
