using System.Net.Http.Headers;
using Pipeline.Functions.Delivery.Http;


namespace Pipeline.Functions.Intercom;

/// <summary>What Intercom answered, classified the way delivery needs it: delivered, refused for good, or transient.</summary>
public sealed record IntercomResponse(int Status, string Body, TimeSpan? RetryAfter = null)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>Worth trying again later: throttled, timed out or a server error.</summary>
    public bool IsTransient => Status is 408 or 429 or >= 500;

    /// <summary>The body as a JSON object; null when it is empty, not JSON, or JSON of another kind.</summary>
    public JsonElement? TryObject() => AnswerBodies.TryObject(Body);

    // A 2xx whose body lacks what the call must return is refused, not retried: the 2xx says Intercom did the call,
    // only its answer is unusable. The same call again would most likely get the same answer and, for a create, could
    // make the record twice; retries would end in the poison queue all the same, without a reason on the delivery.
    // Recorded as Failed with what was missing, the delivery can be replayed (POST /api/ops/replay) once Intercom, or
    // whatever answered in its place, answers as documented; a replay looks the contact up by email first.

    /// <summary>The <c>id</c> of the object a successful call answered with.</summary>
    /// <param name="what">What the id names, for the refusal (<c>contact</c>).</param>
    /// <exception cref="RefusedDeliveryException">The body has no such id; the reason says what it was instead.</exception>
    public string RequiredId(string call, string what) =>
        IdOf(TryObject()) ?? throw new RefusedDeliveryException(Status, $"{call}: Intercom answered {Status} without the {what}'s id ({Shape()})");

    /// <summary>The <c>data</c> list of a successful search.</summary>
    /// <exception cref="RefusedDeliveryException">The body has no such list; the reason says what it was instead.</exception>
    public IReadOnlyList<JsonElement> RequiredList(string call) =>
        TryObject() is { } answer && answer.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
            ? [.. data.EnumerateArray()]
            : throw new RefusedDeliveryException(Status, $"{call}: Intercom answered {Status} without the search's data list ({Shape()})");

    /// <summary>The id of one listed object, read as <see cref="RequiredId"/> reads it.</summary>
    /// <exception cref="RefusedDeliveryException">It has none.</exception>
    public string RequiredIdOf(JsonElement item, string call, string what) =>
        IdOf(item) ?? throw new RefusedDeliveryException(Status, $"{call}: Intercom answered {Status} with a {what} without its id ({Clip(item.GetRawText())})");

    /// <summary>An object's non-empty <c>id</c>; Intercom's ids are strings, a number is taken as its digits.</summary>
    public static string? IdOf(JsonElement? item) =>
        item is { ValueKind: JsonValueKind.Object } obj && obj.TryGetProperty("id", out var id)
            ? id.ValueKind switch
            {
                JsonValueKind.String when id.GetString() is { Length: > 0 } text => text,
                JsonValueKind.Number => id.GetRawText(),
                _ => null,
            }
            : null;

    private string Shape() => AnswerBodies.Shape(Body);

    private static string Clip(string text) => AnswerBodies.Clip(text);

    /// <summary>Intercom's error list (<c>{"type":"error.list","errors":[{code,message}]}</c>) as one line.</summary>
    public string Describe()
    {
        if (TryObject() is { } answer && answer.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
        {
            return $"{Status}: " + string.Join("; ", errors.EnumerateArray().Select(e =>
                $"{Text(e, "code") ?? "error"}{(Text(e, "message") is { } m ? ": " + m : "")}"));
        }
        // Not Intercom's error shape (a proxy's page, say): the raw text says more.
        return $"{Status}: {RequestBodies.Clip(Body, 500)}";
    }

    private static string? Text(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>Throws for anything but success: transient failures to be retried, refusals to be recorded.</summary>
    public IntercomResponse EnsureSuccess(string call)
    {
        if (IsSuccess) return this;
        if (IsTransient) throw new TransientDeliveryException($"{call}: Intercom answered {Describe()}", Status, RetryAfter);
        throw new RefusedDeliveryException(Status, $"{call}: {Describe()}");
    }
}

/// <summary>
/// The Intercom REST API, through the named HttpClient registered by <see cref="IntercomModule"/>: the client's
/// handlers pace the calls to the workspace's rate limit, pause on its headers, time out and break the circuit.
/// </summary>
public sealed class IntercomClient(IHttpClientFactory httpClients, IOptions<IntercomOptions> options)
{
    public const string HttpClientName = "intercom";

    public static void Configure(HttpClient http, IntercomOptions options)
    {
        http.BaseAddress = new Uri(options.BaseUrl.TrimEnd('/') + "/");
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.Add("Intercom-Version", options.ApiVersion);
        if (options.IsConfigured)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
    }

    /// <summary>Intercom spreads its per-minute limit over 10-second windows and says so in X-RateLimit-* headers.</summary>
    public static DestinationHttpOptions HttpOptions(IntercomOptions options) => new()
    {
        RequestsPerWindow = Math.Max(1, options.RequestsPerMinute / 6),
        Window = TimeSpan.FromSeconds(10),
        AttemptTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
    };

    public bool IsConfigured => options.Value.IsConfigured;

    /// <exception cref="TransientDeliveryException">No answer came (timeout, open circuit, connection refused).</exception>
    public async Task<IntercomResponse> SendAsync(HttpMethod method, string path, string? jsonBody, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (jsonBody is not null) request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new IntercomResponse((int)response.StatusCode, body, response.Headers.RetryAfter?.Delta);
    }
}
