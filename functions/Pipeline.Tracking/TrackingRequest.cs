using System.Text.Json.Serialization.Metadata;

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

    /// <summary>The app's key, kept in init and send events' data so that per-app figures (Reportei metrics) can be rolled up.</summary>
    public const string AppKeyField = "appkey";

    /// <returns>The body as a JSON object, or the error response to send.</returns>
    public static (JsonElement Body, HttpResponseData? Error) Read(HttpRequestData request, TrackingOptions options)
    {
        var text = request.BodyText();
        if (System.Text.Encoding.UTF8.GetByteCount(text) > MaxBodyBytes)
            return (default, Error(request, 413, $"body is larger than {MaxBodyBytes / 1024} KiB"));
        JsonElement body;
        var contentType = request.Headers.TryGetValues("Content-Type", out var values) ? values.FirstOrDefault() : null;
        var isJson = contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true
                     || text.TrimStart().StartsWith('{');
        try
        {
            body = isJson
                ? RequestBodies.ParseJson(text)
                : BracketForm.Parse(text);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidDataException)
        {
            return (default, Error(request, 400, isJson ? $"body is not valid JSON: {ex.Message}" : $"body is not a valid form: {ex.Message}"));
        }
        if (body.ValueKind != JsonValueKind.Object) return (default, Error(request, 400, "body must be a form or a JSON object"));
        if (!options.IsKnownApp(Text(body, "appkey")))
            return (default, Error(request, 401, "appkey is missing or unknown", FieldProblems.Of("appkey", "is not the key of a configured app").All));
        if (JsonDepth.FirstTooDeep(body) is { } tooDeep)
            return (default, Invalid(request, FieldProblems.Of(tooDeep, JsonDepth.Problem)));
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
    public static string? Email(JsonElement body, string name, FieldProblems problems)
    {
        if (IsNotText(body, name))
        {
            problems.Add(name, "must be an email address (with @)");
            return null;
        }
        var email = Text(body, name)?.Trim();
        if (string.IsNullOrEmpty(email)) return null;
        if (!email.Contains('@') && email.Contains("%40", StringComparison.OrdinalIgnoreCase))
            email = Uri.UnescapeDataString(email).Trim();
        if (email.Length > MaxEmailLength) problems.Add(name, $"must be an email address of at most {MaxEmailLength} characters");
        else if (email.Contains('@')) return email;
        else problems.Add(name, "must be an email address (with @)");
        return null;
    }

    /// <summary>
    /// A phone number field, if given. Bounded because the visitor's row keeps it, and a table property holds 32K
    /// characters: a longer value would be accepted here and then never stored.
    /// </summary>
    public static string? Phone(JsonElement body, string name, FieldProblems problems)
    {
        var phone = Text(body, name)?.Trim();
        if (IsNotText(body, name) || phone is { Length: > MaxPhoneLength })
        {
            problems.Add(name, $"must be a phone number of at most {MaxPhoneLength} characters");
            return null;
        }
        return string.IsNullOrEmpty(phone) ? null : phone;
    }

    /// <summary>The field is sent, but as an object, a list or a boolean: no text a caller meant.</summary>
    public static bool IsNotText(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value)
        && value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null);

    /// <summary>The longest address SMTP carries (RFC 5321: a 256-octet path less its angle brackets).</summary>
    public const int MaxEmailLength = 254;

    public const int MaxPhoneLength = 64;

    public static TrackingOutput Accept(HttpResponseData response, string type, string subject, JsonElement data, TimeProvider clock) =>
        new() { Response = response, Event = EventEnvelope.Create(type, Source, subject, data, clock).ToJson() };

    public static HttpResponseData Ok<T>(HttpRequestData request, T answer, JsonTypeInfo<T> type) =>
        request.CreateJsonResponse(HttpStatusCode.OK, answer, type);

    public static HttpResponseData Error(HttpRequestData request, int status, string message, IReadOnlyDictionary<string, string>? errors = null) =>
        request.CreateJsonResponse((HttpStatusCode)status, new TrackingRefusal("error", message, errors is { Count: > 0 } ? errors : null),
            TrackingJson.Default.TrackingRefusal);

    public static HttpResponseData Invalid(HttpRequestData request, FieldProblems problems) =>
        Error(request, 422, "the request has invalid fields", problems.All);

    public const string VisitorSubjectPrefix = "visitor:";

    public static string VisitorSubject(string id) => VisitorSubjectPrefix + id;
}
