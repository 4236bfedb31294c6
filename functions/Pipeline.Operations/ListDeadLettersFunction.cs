namespace Pipeline.Functions.Operations;

/// <summary>
/// <c>GET /api/ops/dead-letters[?queue=intercom]</c>: each entity's dead letters (the oldest 32) with their reasons. A
/// subscription is named <c>topic/subscriptions/subscription</c>. One entity that cannot be read does not hide the others.
/// </summary>
[CheckCaller<AdminApiKey>]
public sealed class ListDeadLettersFunction(IDeadLetters deadLetters, MessagingEntities entities)
{
    [Function("ListDeadLetters")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = AdminRoutes.Prefix + "/dead-letters")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        if (!deadLetters.Supported)
            return AdminHttp.Ok(request, new DeadLetterQueues(false, UnreachableDeadLetters.Explanation, []), OperationsJson.Default.DeadLetterQueues);

        var asked = AdminHttp.Query(request, "queue");
        var chosen = asked is null ? entities.All : entities.Find(asked) is { } one ? [one] : null;
        if (chosen is null)
            return AdminHttp.BadRequest(request, "queue", $"must be one of {string.Join(", ", entities.All)}");
        var listed = new List<DeadLetterListing>();
        foreach (var entity in chosen)
            listed.Add(await ListOrSayWhyAsync(entity, cancellationToken));
        return AdminHttp.Ok(request, new DeadLetterQueues(true, null, listed), OperationsJson.Default.DeadLetterQueues);
    }

    private async Task<DeadLetterListing> ListOrSayWhyAsync(MessagingEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            return await deadLetters.ListAsync(entity, 32, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeadLetterListing(entity.DisplayName, null, null, [],
                Error: $"could not be read: {ex.GetType().Name}: {ex.Message.Split('\n', 2)[0]}");
        }
    }
}
