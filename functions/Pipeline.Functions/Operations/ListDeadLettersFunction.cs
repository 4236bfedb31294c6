using System.Text.Json.Nodes;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Operations;

/// <summary><c>GET /api/ops/dead-letters[?queue=intercom]</c>: each queue's dead letters (the oldest 32) with their reasons.</summary>
public sealed class ListDeadLettersFunction(AdminApiKey adminKey, IDeadLetters deadLetters) : IFunction
{
    public FunctionDefinition Definition { get; } = AdminRoutes.Get("ListDeadLetters", "dead-letters");

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var request = invocation.Request!;
        if (adminKey.Check(request) is { } denied) return InvocationResult.Http(denied);
        if (!deadLetters.Supported)
            return AdminHttp.Ok(new JsonObject { ["supported"] = false, ["message"] = ServiceBusDeadLetters.Explanation, ["queues"] = new JsonArray() });

        var queues = deadLetters.Queues;
        var asked = AdminHttp.Query(request, "queue");
        if (asked is not null && !queues.Contains(asked))
            return AdminHttp.BadRequest("queue", $"must be one of {string.Join(", ", queues)}");
        var listed = new JsonArray();
        foreach (var queue in asked is null ? queues : [asked])
            listed.Add(await deadLetters.ListAsync(queue, 32, cancellationToken));
        return AdminHttp.Ok(new JsonObject { ["supported"] = true, ["queues"] = listed });
    }
}
