namespace Pipeline.Functions.Delivery.Http;

/// <summary>How one destination's named HttpClient paces its calls and guards against a failing destination.</summary>
public sealed class DestinationHttpOptions
{
    /// <summary>
    /// Calls allowed per <see cref="Window"/> until the destination's <c>X-RateLimit-Limit</c> says otherwise;
    /// null: no pacing of our own (the destination's headers may still set it).
    /// </summary>
    public int? RequestsPerWindow { get; set; }

    /// <summary>The destination's rate-limit window (Intercom: 10 s).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Pace by <c>X-RateLimit-Limit</c>, pause on <c>X-RateLimit-Remaining: 0</c> until <c>X-RateLimit-Reset</c>,
    /// and on a 429 for its <c>Retry-After</c>. Off for a client that calls many unrelated hosts (webhooks).
    /// </summary>
    public bool HonourRateLimitHeaders { get; set; } = true;

    /// <summary>One attempt's timeout; past it the call is a transient failure (the queue redelivers).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Share of failed calls (5xx, 408, timeouts, no connection; not 429) that opens the circuit.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls within <see cref="BreakerSamplingDuration"/> before the ratio counts.</summary>
    public int BreakerMinimumThroughput { get; set; } = 20;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails calls at once, without calling the destination.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
