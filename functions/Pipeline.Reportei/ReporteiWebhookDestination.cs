namespace Pipeline.Functions.Reportei;

/// <summary>
/// One metrics callback as a destination of the delivery engine: POSTs the payload to the job's
/// <c>metrics_webhook_url</c>, signed as Standard Webhooks v1 with the job id as <c>webhook-id</c>. Any 2xx is delivered,
/// 410 refuses for good, anything else (another status, no answer in time, no connection) is transient. One instance
/// per attempt: it keeps what the attempt saw (<see cref="Seen"/>) for the job's record.
/// </summary>
public sealed class ReporteiWebhookDestination(
    HttpClient http,
    WebhookGuard guard,
    byte[] key,
    string url,
    string payload,
    TimeSpan timeout,
    TimeProvider clock) : IDestination
{
    public const string HttpClientName = "reportei-webhooks";
    private const int ExcerptChars = 200;

    /// <summary>Its deliveries' name in the delivery log; not replayable, as each callback belongs to one job.</summary>
    public const string DestinationName = "reportei-webhook";

    public string Name => DestinationName;

    public TimeSpan Lease => timeout * 2 + TimeSpan.FromSeconds(5);

    public (int? StatusCode, TimeSpan Duration, string? Error, string? Excerpt) Seen { get; private set; }

    public async Task<DeliveryOutcome> DeliverAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        var uri = new Uri(url);
        if (guard.SchemeProblem(uri) is { } scheme) return Refuse(null, $"metrics_webhook_url {scheme}", TimeSpan.Zero);

        var id = envelope.Id.ToString("D");
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", StandardWebhookSignature.Sign(key, id, timestamp, payload));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        // Timed on the clock the job runs by, so that a fake clock in tests gives a known duration.
        var started = clock.GetTimestamp();
        TimeSpan Elapsed() => clock.GetElapsedTime(started);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var excerpt = await ExcerptAsync(response, deadline.Token);
            var status = (int)response.StatusCode;
            Seen = (status, Elapsed(), null, excerpt);
            if (status is >= 200 and < 300) return new DeliveryOutcome.Delivered(status, $"{payload.Length} bytes");
            if (response.StatusCode == HttpStatusCode.Gone)
                return Refuse(status, "410 Gone: the receiver wants no more callbacks for this job", Elapsed(), excerpt);
            var error = $"HTTP {status}" + (status is >= 300 and < 400 ? " (redirects are not followed)" : "");
            Seen = (status, Elapsed(), error, excerpt);
            return new DeliveryOutcome.Transient(error, status);
        }
        catch (HttpRequestException ex) when (Refusal(ex) is { } refused)
        {
            return Refuse(null, refused.Message, Elapsed());
        }
        catch (HttpRequestException ex)
        {
            Seen = (null, Elapsed(), $"no connection: {ex.Message}", null);
            return new DeliveryOutcome.Transient(Seen.Error!);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Seen = (null, Elapsed(), $"no answer within {timeout.TotalSeconds:0.#} s", null);
            return new DeliveryOutcome.Transient(Seen.Error!);
        }
    }

    private DeliveryOutcome Refuse(int? status, string error, TimeSpan duration, string? excerpt = null)
    {
        Seen = (status, duration, error, excerpt);
        return new DeliveryOutcome.Refused(status, error);
    }

    private static WebhookAddressRefusedException? Refusal(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is WebhookAddressRefusedException refused) return refused;
        return null;
    }

    private static async Task<string?> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[ExcerptChars * 4];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0) read += n;
            if (read == 0) return null;
            var text = Encoding.UTF8.GetString(buffer, 0, read);
            return text.Length > ExcerptChars ? text[..ExcerptChars] : text;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return null;
        }
    }
}
