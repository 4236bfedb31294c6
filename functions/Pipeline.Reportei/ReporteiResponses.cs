using Microsoft.Extensions.Options;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Reportei;

/// <summary>The Reportei routes' answers in one shape: <c>{"message":…}</c>, plus <c>"errors":{field: problem}</c> on a 422.</summary>
public static class ReporteiResponses
{
    public static InvocationResponse Error(int status, string message) =>
        new(status, RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("message", message);
            w.WriteEndObject();
        }));

    public static InvocationResponse Invalid(IReadOnlyDictionary<string, string> errors) =>
        new(422, RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("message", "the request has invalid fields");
            w.WriteStartObject("errors");
            foreach (var (field, problem) in errors) w.WriteString(field, problem);
            w.WriteEndObject();
            w.WriteEndObject();
        }));
}

/// <summary><c>Authorization: Bearer &lt;token&gt;</c> against <c>Reportei__Tokens__N</c>, in constant time.</summary>
public sealed class ReporteiBearer(IOptionsMonitor<ReporteiOptions> options)
{
    /// <returns>null when the caller may go on; otherwise the 401 to answer.</returns>
    public InvocationResponse? Check(InvocationRequest request)
    {
        var header = request.Header("Authorization");
        var token = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        if (SharedSecrets.Matches(token, options.CurrentValue.Tokens)) return null;
        var problem = options.CurrentValue.Tokens.All(string.IsNullOrEmpty)
            ? "Reportei routes are disabled: Reportei__Tokens__0 is not set"
            : token is null ? "send Authorization: Bearer <token>" : "the bearer token is not valid";
        return InvocationResponse.Error(401, "unauthorized", problem) with
        {
            Headers = new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" },
        };
    }
}
