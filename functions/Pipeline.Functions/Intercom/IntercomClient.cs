using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Delivery;
using Pipeline.Functions.Delivery.Http;


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
