using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Delivery;


namespace Pipeline.Functions.Intercom;

/// <summary>What Intercom answered, classified the way delivery needs it (design §5).</summary>
public sealed record IntercomResponse(int Status, string Body, TimeSpan? RetryAfter = null)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>Worth trying again later: throttled, timed out or a server error.</summary>
    public bool IsTransient => Status is 408 or 429 or >= 500;

    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(Body) ? "{}" : Body);
        return document.RootElement.Clone();
    }

    /// <summary>Intercom's error list (<c>{"type":"error.list","errors":[{code,message}]}</c>) as one line.</summary>
    public string Describe()
    {
        try
        {
            if (Json().TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                return $"{Status}: " + string.Join("; ", errors.EnumerateArray().Select(e =>
                    $"{(e.TryGetProperty("code", out var c) ? c.GetString() : "error")}" +
                    $"{(e.TryGetProperty("message", out var m) ? ": " + m.GetString() : "")}"));
            }
        }
        catch (JsonException)
        {
            // Not Intercom's error shape (a proxy's page, say): the raw text below says more.
        }
        return $"{Status}: {(Body.Length > 500 ? Body[..500] : Body)}";
    }

    /// <summary>Throws for anything but success: transient failures to be retried, refusals to be recorded.</summary>
    public IntercomResponse EnsureSuccess(string call)
    {
        if (IsSuccess) return this;
        if (IsTransient) throw new TransientDeliveryException($"{call}: Intercom answered {Describe()}; will retry", Status, RetryAfter);
        throw new RefusedDeliveryException(Status, $"{call}: {Describe()}");
    }
}

/// <summary>
/// The Intercom REST API, through one pooled HttpClient from IHttpClientFactory. Every call waits for the
/// workspace's rate limiter and reports the rate-limit headers back to it.
/// </summary>
public sealed class IntercomClient(IHttpClientFactory httpClients, IntercomRateLimiter limiter, IOptions<IntercomOptions> options)
{
    public const string HttpClientName = "intercom";

    public static void Configure(HttpClient http, IntercomOptions options)
    {
        http.BaseAddress = new Uri(options.BaseUrl.TrimEnd('/') + "/");
        http.Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.Add("Intercom-Version", options.ApiVersion);
        if (options.IsConfigured)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
    }

    public bool IsConfigured => options.Value.IsConfigured;

    /// <exception cref="TransientDeliveryException">No answer came (timeout, connection refused).</exception>
    public async Task<IntercomResponse> SendAsync(HttpMethod method, string path, string? jsonBody, CancellationToken cancellationToken)
    {
        await limiter.AcquireAsync(cancellationToken);
        return await SendAcquiredAsync(method, path, jsonBody, cancellationToken);
    }

    /// <summary>For a caller that already took a slot from the limiter (and merged work while it waited).</summary>
    public async Task<IntercomResponse> SendAcquiredAsync(HttpMethod method, string path, string? jsonBody,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (jsonBody is not null) request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            limiter.Observe(response);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return new IntercomResponse((int)response.StatusCode, body, response.Headers.RetryAfter?.Delta);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new TransientDeliveryException($"{method} {path}: no answer from Intercom ({ex.Message})", inner: ex);
        }
    }
}
