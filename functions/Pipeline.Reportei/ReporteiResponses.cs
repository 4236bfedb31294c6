namespace Pipeline.Functions.Reportei;

/// <summary>The Reportei routes' answers in one shape: <c>{"message":…}</c>, plus <c>"errors":{field: problem}</c> on a 422.</summary>
public static class ReporteiResponses
{
    public static HttpResponseData Error(HttpRequestData request, int status, string message) =>
        request.CreateJsonResponse((HttpStatusCode)status, new ReporteiMessage(message), ReporteiJson.Default.ReporteiMessage);

    public static HttpResponseData Invalid(HttpRequestData request, IReadOnlyDictionary<string, string> errors) =>
        request.CreateJsonResponse(HttpStatusCode.UnprocessableEntity, new ReporteiInvalid("the request has invalid fields", errors),
            ReporteiJson.Default.ReporteiInvalid);
}

/// <summary><c>Authorization: Bearer &lt;token&gt;</c> against <c>Reportei__Tokens__N</c>, in constant time.</summary>
public sealed class ReporteiBearer(IOptionsMonitor<ReporteiOptions> options) : ICallerCheck
{
    /// <returns>null when the caller may go on; otherwise the 401 to answer.</returns>
    public HttpResponseData? Check(HttpRequestData request)
    {
        var header = request.FirstHeader("Authorization");
        var token = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        if (SharedSecrets.Matches(token, options.CurrentValue.Tokens)) return null;
        var problem = options.CurrentValue.Tokens.All(string.IsNullOrEmpty)
            ? "Reportei routes are disabled: Reportei__Tokens__0 is not set"
            : token is null ? "send Authorization: Bearer <token>" : "the bearer token is not valid";
        var refused = request.CreateErrorResponse(401, "unauthorized", problem);
        refused.Headers.Add("WWW-Authenticate", "Bearer");
        return refused;
    }
}
