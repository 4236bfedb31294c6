namespace Pipeline.Functions.Operations;

/// <summary>
/// <c>POST /api/ops/dead-letters/requeue</c> with <c>{"queue":"intercom","message_ids":[…]}</c>: sends dead letters
/// back to their queue (every one when <c>message_ids</c> is left out). Deliveries done meanwhile are not repeated:
/// the delivery engine finds their records done. A subscription is named <c>topic/subscriptions/subscription</c>.
/// </summary>
[CheckCaller<AdminApiKey>]
public sealed class RequeueDeadLettersFunction(IDeadLetters deadLetters, MessagingEntities entities)
{
    [Function("RequeueDeadLetters")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = AdminRoutes.Prefix + "/dead-letters/requeue")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        if (!deadLetters.Supported) return AdminHttp.Problem(request, 409, "queue", UnreachableDeadLetters.Explanation);
        if (RequestBodies.ReadJsonObject(request, 64 * 1024, out var body) is { } refused)
            return AdminHttp.Problem(request, (int)refused.Status, "body", refused.Message);

        var queue = body.TryGetProperty("queue", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString() : null;
        if ((queue is null ? null : entities.Find(queue)) is not { } entity)
            return AdminHttp.BadRequest(request, "queue", $"must be one of {string.Join(", ", entities.All)}");
        HashSet<string>? ids = null;
        if (body.TryGetProperty("message_ids", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String)
                || list.GetArrayLength() is 0 or > 500)
                return AdminHttp.BadRequest(request, "message_ids", "must be an array of 1 to 500 message ids (strings)");
            ids = list.EnumerateArray().Select(i => i.GetString()!).ToHashSet(StringComparer.Ordinal);
        }
        return AdminHttp.Ok(request, await deadLetters.RequeueAsync(entity, ids, cancellationToken), OperationsJson.Default.DeadLetterRequeue);
    }
}
