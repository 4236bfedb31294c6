using System.Net.Http.Headers;
using Pipeline.Functions.Delivery.Http;

namespace Pipeline.Functions.IAdvize;

/// <summary>
/// What iAdvize answered. Its REST API documents no HTTP statuses, only <c>meta.status</c>: <c>success</c>,
/// <c>fail</c> (the request is wrong: validation, unknown id) and <c>error</c> (e.g. <c>Forbidden</c>).
/// </summary>
public sealed record IAdvizeAnswer(int Status, string? MetaStatus, string? Message, JsonElement Data, TimeSpan? RetryAfter, string Body)
{
    public bool IsSuccess => Status is >= 200 and < 300 && MetaStatus == "success";

    /// <summary>A 2xx without a <c>meta.status</c> the doc lists (an empty body, not JSON, <c>{}</c>): nothing says what iAdvize did.</summary>
    public bool IsUnreadable => Status is >= 200 and < 300 && MetaStatus is not ("success" or "fail" or "error");

    /// <summary>Worth a retry: 408, 429, 5xx, and <c>meta.status</c> <c>error</c> (Retry-After kept).</summary>
    public bool IsTransient => Status is 408 or 429 or >= 500 || MetaStatus == "error";

    /// <summary>iAdvize said no for good: <c>meta.status</c> <c>fail</c> or another 4xx.</summary>
    public bool IsRefusal => !IsSuccess && !IsTransient && !IsUnreadable;

    public string Describe() =>
        $"{Status}" + (MetaStatus is null ? "" : $" {MetaStatus}") +
        (Message is { Length: > 0 } ? $": {Message}" : MetaStatus is null && Body.Length > 0 ? $": {AnswerBodies.Clip(Body)}" : "");

    /// <summary>
    /// Throws unless it succeeded: <see cref="IsTransient"/> answers are worth a retry; <c>fail</c> and other 4xx are
    /// refusals, recorded with iAdvize's message. A 2xx without the <c>meta.status</c> envelope is refused too, with
    /// what it was: the 2xx says the call went through, so for a create the same call again could make the visitor
    /// twice, and an answer that will not change would only burn the retries into the poison queue. Recorded as
    /// Failed, the delivery can be replayed once iAdvize answers as documented (a replay looks the visitor up first).
    /// </summary>
    public IAdvizeAnswer EnsureSuccess(string call)
    {
        if (IsSuccess) return this;
        if (IsTransient) throw new TransientDeliveryException($"{call}: iAdvize answered {Describe()}", Status, RetryAfter);
        if (IsUnreadable)
            throw new RefusedDeliveryException(Status, $"{call}: iAdvize answered {Status} without the meta.status its API documents ({AnswerBodies.Shape(Body)})");
        throw new RefusedDeliveryException(Status, $"{call}: iAdvize answered {Describe()}");
    }

    /// <summary>The first visitor a successful lookup listed, or null when it listed none.</summary>
    /// <exception cref="RefusedDeliveryException">A success without the <c>data</c> list (see <see cref="EnsureSuccess"/> for other answers).</exception>
    public JsonElement? FirstVisitor(string call)
    {
        EnsureSuccess(call);
        // Without its list the answer does not say "none": a caller creating the visitor then could make it twice.
        if (Data.ValueKind != JsonValueKind.Array)
            throw new RefusedDeliveryException(Status, $"{call}: iAdvize answered {Status} success without the data list of visitors ({AnswerBodies.Shape(Body)})");
        return Data.GetArrayLength() > 0 ? Data[0] : null;
    }

    public static IAdvizeAnswer From(int status, string body, TimeSpan? retryAfter)
    {
        string? meta = null, message = null;
        JsonElement data = default;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("meta", out var m) && m.ValueKind == JsonValueKind.Object)
                {
                    meta = m.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                    message = m.TryGetProperty("message", out var msg) && msg.ValueKind == JsonValueKind.String ? msg.GetString() : null;
                }
                if (root.TryGetProperty("data", out var d)) data = d.Clone();
            }
        }
        catch (JsonException)
        {
            // A proxy's page or nothing: Describe shows the raw text.
        }
        return new IAdvizeAnswer(status, meta, message, data, retryAfter, body);
    }
}

/// <summary>
/// iAdvize's REST API v2 at <c>IAdvize__BaseUrl</c>, through the one named HttpClient the module registers with
/// <c>AddDestinationHttpClient</c> (its concurrency cap, Retry-After pause and attempt timeout live there). Writes are form-encoded, the doc's own notation (<c>field=value</c>).
/// </summary>
public sealed class IAdvizeClient(IHttpClientFactory httpClients, IOptions<IAdvizeOptions> options, TimeProvider clock)
{
    public const string HttpClientName = "iadvize";

    public static void Configure(HttpClient http, IAdvizeOptions options)
    {
        http.BaseAddress = new Uri(options.BaseUrl.TrimEnd('/') + "/");
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>
    /// At most <c>IAdvize__MaxConcurrentCalls</c> calls in flight (the rest wait in order); after a 429 or 503 with
    /// <c>Retry-After</c> every caller waits that long, and a pause longer than <see cref="MaxPauseWait"/> fails the
    /// call at once (transient, carrying the time left); no pacing of our own.
    /// </summary>
    public static DestinationHttpOptions HttpOptions(IAdvizeOptions options) => new()
    {
        MaxConcurrentCalls = Math.Max(1, options.MaxConcurrentCalls),
        PauseOnServiceUnavailable = true,
        MaxPauseWait = MaxPauseWait,
        AttemptTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
    };

    public static readonly TimeSpan MaxPauseWait = TimeSpan.FromSeconds(5);

    /// <param name="apiKey">The key to call with: ours (<c>IAdvize__ApiKey</c>) unless given, e.g. a key being verified.</param>
    /// <exception cref="TransientDeliveryException">No answer came (timeout, open circuit, connection refused), or a pause holds the call.</exception>
    public async Task<IAdvizeAnswer> SendAsync(HttpMethod method, string pathAndQuery, IEnumerable<KeyValuePair<string, string>>? form,
        CancellationToken cancellationToken, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery.TrimStart('/'));
        if ((apiKey ?? options.Value.ApiKey) is { Length: > 0 } key) request.Headers.TryAddWithoutValidation("X-API-Key", key);
        if (form is not null) request.Content = new FormUrlEncodedContent(form);
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var retryAfter = response.Headers.RetryAfter is { } ra
            ? ra.Delta ?? (ra.Date is { } date ? Positive(date - clock.GetUtcNow()) : null)
            : null;
        return IAdvizeAnswer.From((int)response.StatusCode, body, retryAfter);
    }

    /// <summary><c>GET /visitor?filters[name]=value&amp;full=1</c> as iAdvize answered it; <see cref="IAdvizeAnswer.FirstVisitor"/> reads it.</summary>
    public Task<IAdvizeAnswer> LookUpVisitorAsync(string filter, string value, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"visitor?filters[{filter}]={Uri.EscapeDataString(value)}&full=1", null, cancellationToken);

    /// <summary>The call a lookup's reasons name.</summary>
    public static string LookupCall(string filter) => $"GET /visitor?filters[{filter}]";

    private static TimeSpan? Positive(TimeSpan span) => span > TimeSpan.Zero ? span : TimeSpan.Zero;
}
