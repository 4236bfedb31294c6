using System.Text.Json.Serialization.Metadata;

namespace Pipeline.Functions.Hosting;

/// <summary>Answers shared by the admin API; its routes are <see cref="AdminRoutes"/>.</summary>
public static class AdminHttp
{
    /// <summary>An admin answer: a record, as JSON that no cache keeps.</summary>
    /// <remarks>
    /// Written with the context's own options, whose default encoder escapes non-ASCII and HTML-sensitive characters
    /// (<c>'</c> as <c>\u0027</c>): admin answers have always been written so, unlike the compact answers of the other APIs.
    /// </remarks>
    public static HttpResponseData Json<T>(HttpRequestData request, HttpStatusCode status, T body, JsonTypeInfo<T> type)
    {
        var response = request.CreateJsonResponse(status, JsonSerializer.Serialize(body, type));
        response.Headers.Add("Cache-Control", "no-store");
        return response;
    }

    public static HttpResponseData Ok<T>(HttpRequestData request, T body, JsonTypeInfo<T> type) => Json(request, HttpStatusCode.OK, body, type);

    /// <summary>A 4xx naming the parameter or field at fault.</summary>
    public static HttpResponseData Problem(HttpRequestData request, int status, string field, string message) =>
        Json(request, (HttpStatusCode)status, new AdminProblem(status == 404 ? "not_found" : "bad_request", field, message),
            AnswerJson.Default.AdminProblem);

    public static HttpResponseData BadRequest(HttpRequestData request, string field, string message) => Problem(request, 400, field, message);

    /// <summary>A query parameter's first value; null when absent or empty.</summary>
    public static string? Query(HttpRequestData request, string name) =>
        request.Query.GetValues(name) is [var first, ..] && !string.IsNullOrEmpty(first) ? first : null;

    /// <summary>The message for a destination that is not one of <paramref name="known"/>: it names every one that is.</summary>
    public static string UnknownDestination(string given, IEnumerable<string> known) =>
        $"unknown destination '{RequestBodies.Clip(given, 80)}': must be one of {string.Join(", ", known)}";

    /// <summary>An ISO 8601 time with an offset (or <c>Z</c>); null when absent.</summary>
    public static bool TryTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (text is null) return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return false;
        time = parsed.ToUniversalTime();
        return true;
    }

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
