using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Pipeline.Testing;

/// <summary>
/// The app's published OpenAPI document, read as a caller would: which answers a route may give and what each
/// looks like. Bodies are checked with a JSON Schema validator (JsonSchema.Net), not with the app's own code.
/// </summary>
public sealed class ApiContract
{
    private static int _schemas;
    private readonly JsonObject _paths;
    private readonly List<(Regex Pattern, string Path)> _templates;
    private readonly ConcurrentDictionary<string, JsonSchema> _compiled = new();

    public ApiContract(string documentJson)
    {
        Document = JsonNode.Parse(documentJson)!.AsObject();
        _paths = Document["paths"]!.AsObject();
        // Literal paths first, so /api/ops/dead-letters/requeue is never taken for a template.
        _templates = _paths.Select(p => p.Key)
            .OrderBy(p => p.Contains('{'))
            .Select(p => (new Regex("^" + Regex.Replace(Regex.Escape(p), @"\\\{[^/]+?}", "[^/]+") + "$"), p))
            .ToList();
    }

    public JsonObject Document { get; }

    /// <summary>The documented path a request path falls under; null when none does.</summary>
    public string? PathOf(string requestPath)
    {
        // The local host also serves the admin API under /api/admin/… (never declared to the Functions host).
        if (requestPath.StartsWith("/api/admin/", StringComparison.Ordinal)) requestPath = "/api/ops/" + requestPath["/api/admin/".Length..];
        var trimmed = requestPath.Length > 1 ? requestPath.TrimEnd('/') : requestPath;
        return _templates.FirstOrDefault(t => t.Pattern.IsMatch(trimmed)).Path;
    }

    /// <summary>What is wrong with an answer the app gave, against the document; null when it conforms.</summary>
    public string? ProblemWithAnswer(string method, string requestPath, int status, string? mediaType, string body)
    {
        var path = PathOf(requestPath);
        if (path is null)
            return status == 404 ? null : $"{method} {requestPath} answered {status}, but the document has no such route";
        var operation = _paths[path]![method.ToLowerInvariant()];
        if (operation is null)
        {
            // A method the route does not take: the host answers 405 before any function runs.
            return status == 405 ? null : $"{method} {path} answered {status}, but the document has no {method} there";
        }
        var response = operation["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (response is null)
            return $"{method} {path} answered {status}, which the document does not describe " +
                   $"(it lists {string.Join(", ", operation["responses"]!.AsObject().Select(r => r.Key))}): {Clip(body)}";
        if (mediaType is null || !mediaType.Contains("json", StringComparison.OrdinalIgnoreCase) || body.Length == 0) return null;
        var schema = response["content"]?["application/json"]?["schema"];
        if (schema is null) return $"{method} {path} answered {status} with JSON, which the document does not describe: {Clip(body)}";
        return Problem(Schema($"{path} {method} {status}", schema), body, $"{method} {path} {status}");
    }

    /// <summary>
    /// What is wrong with the custom handler's answer to an HTTP invocation, against the document: the answer the
    /// Functions host gives the caller is the invocation's <c>Outputs.res</c> (status, headers, body), for the method
    /// and URL the host put in <c>Data.req</c>. Null when it conforms, or when the exchange is no HTTP invocation
    /// answered (a queue or timer payload, a payload a test made unreadable on purpose, a failed invocation).
    /// </summary>
    public string? ProblemWithHostAnswer(string invocationPayload, int invocationStatus, string invocationAnswer)
    {
        if (invocationStatus != 200 || HttpRequestOf(invocationPayload) is not { } request) return null;
        var (method, url) = request;
        JsonElement res;
        try
        {
            if (!JsonDocument.Parse(invocationAnswer).RootElement.TryGetProperty("Outputs", out var outputs)
                || !outputs.TryGetProperty("res", out res))
                return $"{method} {url}: the invocation succeeded with no Outputs.res, so the caller gets no answer: {Clip(invocationAnswer)}";
        }
        catch (JsonException ex)
        {
            return $"{method} {url}: the invocation's answer is not JSON ({ex.Message}): {Clip(invocationAnswer)}";
        }
        var status = res.GetProperty("statusCode").GetInt32();
        var mediaType = res.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object
            ? headers.EnumerateObject().Where(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                .Select(h => h.Value.GetString()).FirstOrDefault()
            : null;
        var body = res.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString()! : "";
        return ProblemWithAnswer(method, new Uri(url, UriKind.Absolute).AbsolutePath, status, mediaType, body);
    }

    /// <summary>The method and URL of an HTTP invocation's <c>Data.req</c> (which older hosts send as JSON text); null for any other payload.</summary>
    private static (string Method, string Url)? HttpRequestOf(string payload)
    {
        try
        {
            var root = JsonDocument.Parse(payload).RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("req", out var req)) return null;
            if (req.ValueKind == JsonValueKind.String) req = JsonDocument.Parse(req.GetString()!).RootElement;
            return req.TryGetProperty("Url", out var url) && url.GetString() is { } text && Uri.IsWellFormedUriString(text, UriKind.Absolute)
                ? (req.TryGetProperty("Method", out var m) ? m.GetString() ?? "GET" : "GET", text)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What is wrong with a request body, against the route's documented body for that content type; null when it conforms.</summary>
    public string? ProblemWithRequest(string method, string documentPath, string mediaType, JsonNode body)
    {
        var schema = _paths[documentPath]?[method.ToLowerInvariant()]?["requestBody"]?["content"]?[mediaType]?["schema"]
                     ?? throw new InvalidOperationException($"the document has no {mediaType} body for {method} {documentPath}");
        return Problem(Schema($"{documentPath} {method} request {mediaType}", schema), body.ToJsonString(), $"{method} {documentPath} request");
    }

    /// <summary>Every example body the document gives, with where it is.</summary>
    public IEnumerable<(string Method, string Path, string MediaType, string Name, JsonNode Value)> RequestExamples() =>
        from path in _paths
        from operation in path.Value!.AsObject()
        let content = operation.Value?["requestBody"]?["content"]?.AsObject()
        where content is not null
        from media in content
        let examples = media.Value?["examples"]?.AsObject()
        where examples is not null
        from example in examples
        select (operation.Key, path.Key, media.Key, example.Key, example.Value!["value"]!);

    private JsonSchema Schema(string key, JsonNode schema) =>
        _compiled.GetOrAdd(key, _ => JsonSchema.FromText(schema.ToJsonString(), baseUri:
            new Uri($"https://api-contract.test/schemas/{Interlocked.Increment(ref _schemas)}")));

    private static string? Problem(JsonSchema schema, string body, string where)
    {
        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException ex)
        {
            return $"{where}: the body is not JSON ({ex.Message}): {Clip(body)}";
        }
        var results = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid) return null;
        var errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))
            .Distinct()
            .Take(8);
        return $"{where}: the body does not match the documented schema ({string.Join("; ", errors)}): {Clip(body)}";
    }

    private static string Clip(string text) => text.Length <= 400 ? text : text[..400] + "…";
}

/// <summary>
/// Checks every answer a test's client receives against the app's OpenAPI document: a status the route does not
/// document, or a JSON body that does not match its schema, fails the call (and so the test) with
/// <see cref="ApiContractViolation"/>, whatever the test itself asserts.
/// </summary>
public sealed class ApiContractHandler(Func<ApiContract> contract) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Method == HttpMethod.Head || request.Method == HttpMethod.Options) return response;
        // Buffered so the test can still read the body after it was checked.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var problem = contract().ProblemWithAnswer(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType, body);
        if (problem is not null) throw new ApiContractViolation(problem);
        return response;
    }
}

/// <summary>
/// The same check for a custom handler's client (<c>POST /{FunctionName}</c> with the host's payloads): the answer of
/// every HTTP invocation, its <c>Outputs.res</c>, is checked against the document.
/// </summary>
public sealed class HostAnswerContractHandler(Func<Task<ApiContract>> contract) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var payload = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Method != HttpMethod.Post || payload is null) return response;
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        var problem = (await contract()).ProblemWithHostAnswer(payload, (int)response.StatusCode, answer);
        if (problem is not null) throw new ApiContractViolation(problem);
        return response;
    }
}

public sealed class ApiContractViolation(string message) : Exception("the answer breaks the API document: " + message);
