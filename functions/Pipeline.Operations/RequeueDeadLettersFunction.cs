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

        var requeue = RequestBodies.Bind(body, OperationsJson.Default.RequeueBody, out var problems).Check(problems, entities);
        if (requeue is not (var entity, var ids)) return AdminHttp.BadRequest(request, problems.First.Key, problems.First.Value);
        return AdminHttp.Ok(request, await deadLetters.RequeueAsync(entity, ids, cancellationToken), OperationsJson.Default.DeadLetterRequeue);
    }
}

/// <summary>The body of the requeue: an entity by the name the list gives it, and which of its dead letters (all when left out).</summary>
public sealed record RequeueBody(string? Queue, IReadOnlyList<string?>? MessageIds)
{
    public const int MaxMessageIds = 500;

    /// <returns>The entity and the ids; null when <paramref name="problems"/> names any.</returns>
    public (MessagingEntity Entity, HashSet<string>? Ids)? Check(FieldProblems problems, MessagingEntities entities)
    {
        var entity = Queue is null ? null : entities.Find(Queue);
        if (entity is null) problems.Add("queue", $"must be one of {string.Join(", ", entities.All)}");
        if (problems.IsWrongType("message_ids") || MessageIds is { Count: 0 or > MaxMessageIds } || MessageIds?.Contains(null) == true)
            problems.Add("message_ids", $"must be an array of 1 to {MaxMessageIds} message ids (strings)");
        return problems.Any ? null : (entity!, MessageIds?.Select(id => id!).ToHashSet(StringComparer.Ordinal));
    }
}
