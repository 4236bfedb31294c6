using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pipeline.Testing;

/// <summary>
/// Invocation payloads shaped as the Functions host builds them for an HTTP trigger (README, raw bodies): a body
/// of type <c>application/octet-stream</c> or <c>multipart/*</c> goes as base64 of its bytes; any other body is
/// read as UTF-8 text (a byte order mark detected and dropped), and that text goes as a JSON string.
/// </summary>
public static class FunctionsHostPayloads
{
    private static readonly JsonSerializerOptions Raw = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string HttpInvocation(string url, string contentType, byte[] body, string? traceparent = null)
    {
        var headers = new Dictionary<string, string[]> { ["Content-Type"] = [contentType] };
        if (traceparent is not null) headers["traceparent"] = [traceparent];
        var request = new Dictionary<string, object>
        {
            ["Url"] = url,
            ["Method"] = "POST",
            ["Query"] = new Dictionary<string, string>(),
            ["Headers"] = headers,
            ["Params"] = new Dictionary<string, string>(),
            ["Body"] = BodyAsTheHostSendsIt(contentType, body),
        };
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Data"] = new Dictionary<string, object> { ["req"] = request },
            ["Metadata"] = new Dictionary<string, object>(),
        }, Raw);
    }

    public static string BodyAsTheHostSendsIt(string contentType, byte[] body)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        if (mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            || mediaType.Contains("multipart/", StringComparison.OrdinalIgnoreCase))
            return Convert.ToBase64String(body);
        using var reader = new StreamReader(new MemoryStream(body), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}
