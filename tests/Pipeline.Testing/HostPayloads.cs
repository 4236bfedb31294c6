using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Pipeline.Testing;

/// <summary>
/// Invocation payloads shaped as the Azure Functions host sends them to a custom handler:
/// <c>{Data: {&lt;trigger binding&gt;: …}, Metadata: {…, sys}}</c>.
/// </summary>
public static class HostPayloads
{
    /// <summary>Public URL of the app the host would put in <c>Data.req.Url</c>.</summary>
    public const string PublicBaseUrl = "https://pipeline-contract.azurewebsites.net/api/";

    /// <summary>
    /// An HTTP trigger: <c>Data.req</c> with <c>Url</c>, <c>Method</c>, <c>Query</c> (repeated keys comma-joined),
    /// <c>Headers</c> (every value an array), <c>Params</c> (route values), <c>Identities</c> and the body as a string.
    /// </summary>
    public static string Http(string functionName, string method, string path, string? query = null, string? body = null,
        IReadOnlyDictionary<string, string>? routeParams = null, IReadOnlyDictionary<string, string[]>? headers = null)
    {
        var queryObject = new JsonObject();
        if (!string.IsNullOrEmpty(query))
            foreach (var (key, values) in QueryHelpers.ParseQuery("?" + query))
                queryObject[key] = string.Join(",", values.ToArray());

        var headerObject = new JsonObject();
        var allHeaders = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
        {
            ["Host"] = ["pipeline-contract.azurewebsites.net"],
            ["User-Agent"] = ["curl/8.5.0"],
            ["Accept"] = ["*/*"],
            ["X-Forwarded-For"] = ["203.0.113.7:52144"],
        };
        if (body is not null) allHeaders["Content-Type"] = ["application/json"];
        foreach (var (name, values) in headers ?? new Dictionary<string, string[]>()) allHeaders[name] = values;
        foreach (var (name, values) in allHeaders) headerObject[name] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

        var paramsObject = new JsonObject();
        foreach (var (name, value) in routeParams ?? new Dictionary<string, string>()) paramsObject[name] = value;

        var req = new JsonObject
        {
            ["Url"] = PublicBaseUrl + path + (string.IsNullOrEmpty(query) ? "" : "?" + query),
            ["Method"] = method.ToUpperInvariant(),
            ["Query"] = queryObject,
            ["Headers"] = headerObject,
            ["Params"] = paramsObject,
            ["Identities"] = new JsonArray(),
        };
        if (body is not null) req["Body"] = body;

        var metadata = new JsonObject
        {
            ["Query"] = queryObject.DeepClone(),
            ["Headers"] = headerObject.DeepClone(),
        };
        foreach (var (name, value) in routeParams ?? new Dictionary<string, string>()) metadata[name] = value;
        metadata["sys"] = Sys(functionName);
        return new JsonObject { ["Data"] = new JsonObject { ["req"] = req }, ["Metadata"] = metadata }.ToJsonString();
    }

    /// <summary>
    /// An HTTP trigger carrying the caller's body bytes as the host encodes them (README, raw bodies): a body of
    /// type <c>application/octet-stream</c> or <c>multipart/*</c> goes as base64 of its bytes; any other body is read
    /// as UTF-8 text (a byte order mark detected and dropped), and that text goes as a JSON string.
    /// </summary>
    public static string HttpWithRawBody(string functionName, string method, string path, string contentType, byte[] body) =>
        Http(functionName, method, path, body: BodyAsTheHostSendsIt(contentType, body),
            headers: new Dictionary<string, string[]> { ["Content-Type"] = [contentType] });

    public static string BodyAsTheHostSendsIt(string contentType, byte[] body)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        if (mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            || mediaType.Contains("multipart/", StringComparison.OrdinalIgnoreCase))
            return Convert.ToBase64String(body);
        using var reader = new StreamReader(new MemoryStream(body), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// A Service Bus trigger (extension 5.x): the message body as a JSON string, or that string JSON-encoded again
    /// (hosts do both), with the trigger metadata the host sends.
    /// </summary>
    public static string ServiceBus(string functionName, string bindingName, string messageBody, bool encodedTwice = false,
        int deliveryCount = 1, string? messageId = null, IReadOnlyDictionary<string, string>? properties = null)
    {
        var applicationProperties = new JsonObject();
        foreach (var (name, value) in properties ?? new Dictionary<string, string>()) applicationProperties[name] = value;
        var enqueued = DateTimeOffset.UtcNow.AddSeconds(-1);
        var data = encodedTwice ? JsonSerializer.Serialize(JsonSerializer.Serialize(messageBody)) : JsonSerializer.Serialize(messageBody);
        var metadata = new JsonObject
        {
            ["DeliveryCount"] = deliveryCount,
            ["LockToken"] = Guid.NewGuid().ToString(),
            ["ExpiresAtUtc"] = enqueued.AddDays(14).ToString("O"),
            ["ExpiresAt"] = enqueued.AddDays(14).ToString("O"),
            ["EnqueuedTimeUtc"] = enqueued.ToString("O"),
            ["EnqueuedTime"] = enqueued.ToString("O"),
            ["MessageId"] = messageId ?? Guid.NewGuid().ToString("N"),
            ["SequenceNumber"] = 42,
            ["UserProperties"] = applicationProperties.DeepClone(),
            ["ApplicationProperties"] = applicationProperties,
            ["MessageReceiver"] = new JsonObject(),
            ["MessageActions"] = new JsonObject(),
            ["Client"] = new JsonObject(),
            ["sys"] = Sys(functionName),
        };
        return $$"""{"Data":{{{JsonSerializer.Serialize(bindingName)}}:{{data}}},"Metadata":{{metadata.ToJsonString()}}}""";
    }

    /// <summary>A timer trigger: the host's <c>TimerInfo</c> (schedule, status, past-due flag).</summary>
    public static string Timer(string functionName, string bindingName, bool isPastDue = false)
    {
        var now = DateTimeOffset.UtcNow;
        var timer = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = new JsonObject
            {
                ["Last"] = now.AddHours(-1).ToString("O"),
                ["Next"] = now.AddHours(1).ToString("O"),
                ["LastUpdated"] = now.AddHours(-1).ToString("O"),
            },
            ["IsPastDue"] = isPastDue,
        };
        return new JsonObject
        {
            ["Data"] = new JsonObject { [bindingName] = timer },
            ["Metadata"] = new JsonObject { ["sys"] = Sys(functionName) },
        }.ToJsonString();
    }

    private static JsonObject Sys(string functionName) => new()
    {
        ["MethodName"] = functionName,
        ["UtcNow"] = DateTimeOffset.UtcNow.ToString("O"),
        ["RandGuid"] = Guid.NewGuid().ToString(),
    };
}
