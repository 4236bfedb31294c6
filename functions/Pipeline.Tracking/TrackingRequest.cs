using System.Text.Json;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Tracking;

/// <summary>
/// What every tracking endpoint does first: read the body (bracket-form or JSON), check the <c>appkey</c>, and
/// answer errors in one shape: <c>{"status":"error","message":…,"errors":{field: problem}}</c>. The seed documents
/// no errors, so this shape is ours (README).
/// </summary>
public static class TrackingRequest
{
    public const int MaxBodyBytes = 64 * 1024;
    public const string Source = "footprints-tracking";
    public static readonly QueueOutput Events = new("events", QueueNames.Events);

    /// <summary>The app's key, kept in init and send events' data so that per-app figures (Reportei metrics) can be rolled up.</summary>
    public const string AppKeyField = "appkey";

    /// <returns>The body as a JSON object, or the error response to send.</returns>
    public static (JsonElement Body, InvocationResponse? Error) Read(InvocationRequest request, TrackingOptions options)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(request.Body) > MaxBodyBytes)
            return (default, Error(413, $"body is larger than {MaxBodyBytes / 1024} KiB"));
        JsonElement body;
        var isJson = request.Header("Content-Type")?.Contains("json", StringComparison.OrdinalIgnoreCase) == true
                     || request.Body.TrimStart().StartsWith('{');
        try
        {
            body = isJson
                ? RequestBodies.ParseJson(request.Body)
                : BracketForm.Parse(request.Body);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidDataException)
        {
            return (default, Error(400, isJson ? $"body is not valid JSON: {ex.Message}" : $"body is not a valid form: {ex.Message}"));
        }
        if (body.ValueKind != JsonValueKind.Object) return (default, Error(400, "body must be a form or a JSON object"));
        if (!options.IsKnownApp(Text(body, "appkey")))
            return (default, Error(401, "appkey is missing or unknown", new() { ["appkey"] = "is not the key of a configured app" }));
        if (JsonDepth.FirstTooDeep(body) is { } tooDeep)
            return (default, Invalid(new() { [tooDeep] = JsonDepth.Problem }));
        return (body, null);
    }

    public static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    /// <summary>
    /// An email field, if given. The seed's Node samples pre-encode <c>@</c> as <c>%40</c>, which the form encoder
    /// then encodes again: an email that arrives without <c>@</c> but with <c>%40</c> is decoded once more. Any other
    /// email without <c>@</c> is an error (the person is not identified by it).
    /// </summary>
    public static string? Email(JsonElement body, string name, Dictionary<string, string> errors)
    {
        var email = Text(body, name)?.Trim();
        if (string.IsNullOrEmpty(email)) return null;
        if (!email.Contains('@') && email.Contains("%40", StringComparison.OrdinalIgnoreCase))
            email = Uri.UnescapeDataString(email).Trim();
        if (email.Contains('@')) return email;
        errors[name] = "must be an email address (with @)";
        return null;
    }

    public static InvocationResult Accept(InvocationResponse response, string type, string subject, JsonElement data, TimeProvider clock) =>
        InvocationResult.Http(response).Send(Events, EventEnvelope.Create(type, Source, subject, data, clock).ToJson());

    public static InvocationResponse Json(string body) => new(200, body);

    public static InvocationResponse Error(int status, string message, Dictionary<string, string>? errors = null) =>
        new(status, RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "error");
            w.WriteString("message", message);
            if (errors is { Count: > 0 })
            {
                w.WriteStartObject("errors");
                foreach (var (field, problem) in errors) w.WriteString(field, problem);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }));

    public static InvocationResponse Invalid(Dictionary<string, string> errors) =>
        Error(422, "the request has invalid fields", errors);

    public const string VisitorSubjectPrefix = "visitor:";

    public static string VisitorSubject(string id) => VisitorSubjectPrefix + id;
}
