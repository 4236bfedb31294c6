using System.Text.Json.Serialization.Metadata;

namespace Pipeline.Functions.Hosting;

/// <summary>The body of a worker <see cref="HttpRequestData"/> as bytes and text, and answers that are JSON already.</summary>
public static class HttpRequestBodies
{
    /// <summary>
    /// The body exactly as the caller sent it, for signatures over the raw bytes. A body held in memory (as both
    /// hosts and test requests hold it) is read without a copy; any other stream is read once, from its start.
    /// </summary>
    public static ReadOnlyMemory<byte> RawBody(this HttpRequestData request)
    {
        var body = request.Body;
        if (body is MemoryStream memory && memory.TryGetBuffer(out var buffer)) return buffer.AsMemory();
        if (body.CanSeek) body.Position = 0;
        using var copy = new MemoryStream();
        body.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The body decoded as UTF-8.</summary>
    public static string BodyText(this HttpRequestData request) => Encoding.UTF8.GetString(request.RawBody().Span);

    /// <summary>The first value of a request header; null when absent.</summary>
    public static string? FirstHeader(this HttpRequestData request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>The error shape of the webhooks, metrics and admin APIs: <c>{"error":…,"message":…}</c>.</summary>
    public static HttpResponseData CreateErrorResponse(this HttpRequestData request, int status, string error, string message) =>
        request.CreateJsonResponse((HttpStatusCode)status, new ErrorAnswer(error, message), AnswerJson.Default.ErrorAnswer);

    /// <summary>
    /// An answer whose body is a record, written by its module's source-generated serializer (no reflection), with the
    /// same compact encoder as every other answer and message.
    /// </summary>
    public static HttpResponseData CreateJsonResponse<T>(this HttpRequestData request, HttpStatusCode status, T body, JsonTypeInfo<T> type) =>
        request.CreateJsonResponse(status, RequestBodies.Json(body, type));

    /// <summary>An answer whose body is JSON text already, typed <c>application/json</c> as every answer of the app.</summary>
    public static HttpResponseData CreateJsonResponse(this HttpRequestData request, HttpStatusCode status, string json)
    {
        var response = request.CreateResponse(status);
        response.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        response.WriteString(json);
        return response;
    }
}
