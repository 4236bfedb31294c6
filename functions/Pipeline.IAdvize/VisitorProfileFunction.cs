namespace Pipeline.Functions.IAdvize;

/// <summary>
/// <c>GET /api/iadvize/visitor-profile?token=…</c>: the connector's visitor profile (the connector's visitor-profile url). Filters
/// <c>emailVisitor</c>, <c>idVisitorExternal</c>, <c>idVisitorUnique</c> identify the visitor (one at least);
/// <c>idWebsite</c> and <c>idConnectorVersion</c> are accepted and not needed; <c>operatorLocale=fr…</c> gives French
/// labels. Answers a bare JSON array of <c>{id, label, value, fieldType}</c>, <c>[]</c> for a visitor nobody knows.
/// </summary>
[CheckCaller<ConnectorToken>]
public sealed class VisitorProfileFunction(VisitorProfile profile)
{
    private const int MaxFilterLength = 256;

    [Function("IAdvizeVisitorProfile")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "iadvize/visitor-profile")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        string? Filter(string name) =>
            request.Query.GetValues(name)?.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) is { } v ? v.Trim() : null;
        var email = Filter("emailVisitor");
        var external = Filter("idVisitorExternal");
        var unique = Filter("idVisitorUnique");
        if (email is null && external is null && unique is null)
            return request.CreateErrorResponse(400, "bad_request",
                "give at least one of emailVisitor, idVisitorExternal or idVisitorUnique");
        foreach (var (name, value) in new[] { ("emailVisitor", email), ("idVisitorExternal", external), ("idVisitorUnique", unique) })
        {
            if (value is { Length: > MaxFilterLength })
                return request.CreateErrorResponse(400, "bad_request", $"{name} must be at most {MaxFilterLength} characters");
        }
        var french = Filter("operatorLocale")?.StartsWith("fr", StringComparison.OrdinalIgnoreCase) == true;

        var fields = await profile.BuildAsync(new VisitorProfile.Filters(email, external, unique, french), cancellationToken);
        return request.CreateJsonResponse(HttpStatusCode.OK, fields, IAdvizeJson.Default.IReadOnlyListProfileField);
    }
}
