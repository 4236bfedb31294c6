using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Pipeline.Functions.Intercom;

/// <summary>What Intercom answered, classified the way delivery needs it (design §5).</summary>
public sealed record IntercomResponse(int Status, string Body)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>Worth trying again later: throttled, timed out or a server error.</summary>
    public bool IsTransient => Status is 408 or 429 or >= 500;

    /// <summary>Intercom's error list (<c>{"type":"error.list","errors":[{code,message}]}</c>) as one line.</summary>
    public string Describe()
    {
        try
        {
            using var document = JsonDocument.Parse(Body);
            if (document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
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
}

/// <summary>A call that never got an answer (timeout, connection refused); always worth retrying.</summary>
public sealed class IntercomUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>The Intercom REST API, through one pooled HttpClient from IHttpClientFactory.</summary>
public sealed class IntercomClient(IHttpClientFactory httpClients, IOptions<IntercomOptions> options)
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

    public async Task<IntercomResponse> SendAsync(HttpMethod method, string path, string jsonBody, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'))
        {
            Content = new StringContent(jsonBody, Encoding.UTF8, "application/json"),
        };
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return new IntercomResponse((int)response.StatusCode, body);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new IntercomUnavailableException($"{method} {path}: no answer from Intercom ({ex.Message})", ex);
        }
    }
}
