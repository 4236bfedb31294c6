using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Delivery;

namespace Pipeline.Functions.IAdvize;

/// <summary>
/// What iAdvize answered. Its REST API documents no HTTP statuses, only <c>meta.status</c>: <c>success</c>,
/// <c>fail</c> (the request is wrong: validation, unknown id) and <c>error</c> (e.g. <c>Forbidden</c>).
/// </summary>
public sealed record IAdvizeAnswer(int Status, string? MetaStatus, string? Message, JsonElement Data, TimeSpan? RetryAfter, string Body)
{
    public bool IsSuccess => Status is >= 200 and < 300 && MetaStatus == "success";

    public string Describe() =>
        $"{Status}" + (MetaStatus is null ? "" : $" {MetaStatus}") +
        (Message is { Length: > 0 } ? $": {Message}" : MetaStatus is null && Body.Length > 0 ? $": {(Body.Length > 300 ? Body[..300] : Body)}" : "");

    /// <summary>
    /// Throws unless it succeeded: 408, 429, 5xx, no JSON envelope on a 2xx, and <c>meta.status</c> <c>error</c> are
    /// worth a retry (Retry-After kept); <c>fail</c> and other 4xx are refusals, recorded with iAdvize's message.
    /// </summary>
    public IAdvizeAnswer EnsureSuccess(string call)
    {
        if (IsSuccess) return this;
        if (Status is 408 or 429 or >= 500 || MetaStatus == "error" || (MetaStatus is null && Status is >= 200 and < 300))
            throw new TransientDeliveryException($"{call}: iAdvize answered {Describe()}; will retry", Status, RetryAfter);
        throw new RefusedDeliveryException(Status, $"{call}: iAdvize answered {Describe()}");
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
/// iAdvize's REST API v2 at <c>IAdvize__BaseUrl</c>, through the one named HttpClient the module registers (its
/// concurrency cap and timeout live there). Writes are form-encoded, the doc's own notation (<c>field=value</c>).
/// </summary>
public sealed class IAdvizeClient(IHttpClientFactory httpClients, IOptions<IAdvizeOptions> options, TimeProvider clock)
{
    public const string HttpClientName = "iadvize";

    public static void Configure(HttpClient http, IAdvizeOptions options)
    {
        http.BaseAddress = new Uri(options.BaseUrl.TrimEnd('/') + "/");
        http.Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <param name="apiKey">The key to call with: ours (<c>IAdvize__ApiKey</c>) unless given, e.g. a key being verified.</param>
    /// <exception cref="TransientDeliveryException">No answer came (timeout, connection refused).</exception>
    public async Task<IAdvizeAnswer> SendAsync(HttpMethod method, string pathAndQuery, IEnumerable<KeyValuePair<string, string>>? form,
        CancellationToken cancellationToken, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery.TrimStart('/'));
        if ((apiKey ?? options.Value.ApiKey) is { Length: > 0 } key) request.Headers.TryAddWithoutValidation("X-API-Key", key);
        if (form is not null) request.Content = new FormUrlEncodedContent(form);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var retryAfter = response.Headers.RetryAfter is { } ra
                ? ra.Delta ?? (ra.Date is { } date ? Positive(date - clock.GetUtcNow()) : null)
                : null;
            return IAdvizeAnswer.From((int)response.StatusCode, body, retryAfter);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new TransientDeliveryException($"{method} /{pathAndQuery.Split('?')[0].TrimStart('/')}: no answer from iAdvize ({ex.Message})", inner: ex);
        }
    }

    /// <summary><c>GET /visitor?filters[name]=value&amp;full=1</c>: the first visitor found, or null.</summary>
    public async Task<JsonElement?> FindVisitorAsync(string filter, string value, CancellationToken cancellationToken)
    {
        var answer = (await SendAsync(HttpMethod.Get, $"visitor?filters[{filter}]={Uri.EscapeDataString(value)}&full=1", null, cancellationToken))
            .EnsureSuccess($"GET /visitor?filters[{filter}]");
        return answer.Data.ValueKind == JsonValueKind.Array && answer.Data.GetArrayLength() > 0 ? answer.Data[0] : null;
    }

    private static TimeSpan? Positive(TimeSpan span) => span > TimeSpan.Zero ? span : TimeSpan.Zero;
}

/// <summary>
/// Outbound pacing for iAdvize in this instance: at most <c>IAdvize__MaxConcurrentCalls</c> calls in flight (the rest
/// wait in order), and after a 429 or 503 with <c>Retry-After</c> every caller waits that long before calling again,
/// rather than sending into the limit.
/// </summary>
public sealed class IAdvizeCallLimit(IOptions<IAdvizeOptions> options, TimeProvider clock) : IDisposable
{
    /// <summary>A pause longer than this fails the call at once (transient, with the time left) instead of holding it.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    private long _pausedUntilTicks;

    public System.Threading.RateLimiting.ConcurrencyLimiter Limiter { get; } = new(new System.Threading.RateLimiting.ConcurrencyLimiterOptions
    {
        PermitLimit = Math.Max(1, options.Value.MaxConcurrentCalls),
        QueueLimit = 10_000,
        QueueProcessingOrder = System.Threading.RateLimiting.QueueProcessingOrder.OldestFirst,
    });

    public TimeProvider Clock => clock;

    public TimeSpan PauseLeft
    {
        get
        {
            var left = new DateTimeOffset(Interlocked.Read(ref _pausedUntilTicks), TimeSpan.Zero) - clock.GetUtcNow();
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    public void PauseFor(TimeSpan span)
    {
        var until = (clock.GetUtcNow() + span).UtcTicks;
        long seen;
        while ((seen = Interlocked.Read(ref _pausedUntilTicks)) < until
               && Interlocked.CompareExchange(ref _pausedUntilTicks, until, seen) != seen)
        {
        }
    }

    public void Dispose() => Limiter.Dispose();
}

/// <summary>The outbound handler that applies <see cref="IAdvizeCallLimit"/> to each call.</summary>
public sealed class ConcurrencyLimitHandler(IAdvizeCallLimit limit) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var pause = limit.PauseLeft;
        if (pause > IAdvizeCallLimit.MaxWait)
            throw new TransientDeliveryException($"iAdvize asked to wait {pause.TotalSeconds:0} s more (Retry-After)", 429, pause);
        if (pause > TimeSpan.Zero) await Task.Delay(pause, limit.Clock, cancellationToken);

        using var lease = await limit.Limiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired) throw new TransientDeliveryException("too many iAdvize calls waiting in this instance");
        var response = await base.SendAsync(request, cancellationToken);
        if ((int)response.StatusCode is 429 or 503 && response.Headers.RetryAfter is { } retryAfter)
        {
            var wait = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - limit.Clock.GetUtcNow() : null);
            if (wait > TimeSpan.Zero) limit.PauseFor(wait.Value);
        }
        return response;
    }
}
