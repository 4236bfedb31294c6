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

    /// <summary>A 503 with <c>Retry-After</c> pauses every caller as a 429 does (iAdvize); off: a 503 is only a failure.</summary>
    public bool PauseOnServiceUnavailable { get; set; }

    /// <summary>
    /// A pause longer than this fails the call at once (transient, carrying the time left) instead of holding it;
    /// null: the call waits the pause out (the delivery lease bounds the wait).
    /// </summary>
    public TimeSpan? MaxPauseWait { get; set; }

    /// <summary>Calls in flight at once from this instance; more wait their turn in order. Null: no cap.</summary>
    public int? MaxConcurrentCalls { get; set; }

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
