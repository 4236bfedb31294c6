namespace Pipeline.Functions.Messaging;

/// <summary>
/// When a consumer's next attempt runs, and when it gives up. One model for every consumer in both hosts: a failed
/// attempt is not retried by redelivery (Service Bus redelivers at once) but by a new message scheduled after
/// <see cref="DelayAfter"/>; the consumer gives up after <see cref="MaxAttempts"/> or once the next attempt would
/// start later than <see cref="MaxAge"/> after the first.
/// </summary>
public sealed class RetryPolicy
{
    private readonly Func<int, TimeSpan> _delayAfter;

    private RetryPolicy(Func<int, TimeSpan> delayAfter, int? maxAttempts, TimeSpan? maxAge, string description)
    {
        _delayAfter = delayAfter;
        MaxAttempts = maxAttempts;
        MaxAge = maxAge;
        Description = description;
    }

    public int? MaxAttempts { get; }
    public TimeSpan? MaxAge { get; }
    public string Description { get; }

    /// <summary>The wait after attempt <paramref name="attempt"/> (1-based) failed.</summary>
    public TimeSpan DelayAfter(int attempt) => _delayAfter(Math.Max(1, attempt));

    /// <summary>Whether attempt <paramref name="attempt"/> is the last one: a failure then is final.</summary>
    public bool IsLast(int attempt, DateTimeOffset firstAttemptAt, DateTimeOffset now) =>
        attempt >= MaxAttempts || (MaxAge is { } age && now + DelayAfter(attempt) - firstAttemptAt > age);

    /// <summary>
    /// <c>min(max, base·2ⁿ⁻¹)</c> after attempt n (RudderStack's backoff; with 10 s and 300 s: 10, 20, 40, 80, 160,
    /// 300, 300 …), until <paramref name="maxAttempts"/> (none: unlimited) or <paramref name="maxAge"/> (Segment keeps
    /// trying for 4 hours).
    /// </summary>
    public static RetryPolicy Exponential(TimeSpan baseDelay, TimeSpan maxDelay, int? maxAttempts, TimeSpan? maxAge) =>
        new(attempt => TimeSpan.FromTicks((long)Math.Min(maxDelay.Ticks, baseDelay.Ticks * Math.Pow(2, Math.Min(attempt - 1, 40)))),
            maxAttempts, maxAge,
            FormattableString.Invariant($"min({maxDelay.TotalSeconds:0.###} s, {baseDelay.TotalSeconds:0.###} s·2^n)") +
            (maxAttempts is { } n ? FormattableString.Invariant($", {n} attempts") : "") +
            (maxAge is { } a ? FormattableString.Invariant($", for {a.TotalMinutes:0.#} min") : ""));

    /// <summary>A fixed schedule: one delay before each retry; after the last one the consumer gives up.</summary>
    public static RetryPolicy Schedule(IReadOnlyList<TimeSpan> delays)
    {
        if (delays.Count == 0) return new(_ => TimeSpan.Zero, 1, null, "no retries");
        return new(attempt => delays[Math.Min(attempt, delays.Count) - 1], delays.Count + 1, null,
            string.Join(",", delays.Select(d => d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture))) + " s");
    }
}

/// <summary>Settings under <c>Retry__*</c>: the default retry policy of every consumer that sets none of its own.</summary>
public sealed class RetryOptions
{
    public const string Section = "Retry";

    public double BaseDelaySeconds { get; set; } = 10;
    public double MaxDelaySeconds { get; set; } = 300;

    /// <summary>0: no limit by count, only by <see cref="MaxAgeMinutes"/>.</summary>
    public int MaxAttempts { get; set; }

    public double MaxAgeMinutes { get; set; } = 240;

    public RetryPolicy ToPolicy() => RetryPolicy.Exponential(TimeSpan.FromSeconds(BaseDelaySeconds),
        TimeSpan.FromSeconds(MaxDelaySeconds), MaxAttempts > 0 ? MaxAttempts : null,
        MaxAgeMinutes > 0 ? TimeSpan.FromMinutes(MaxAgeMinutes) : null);

    public bool IsValid() => BaseDelaySeconds >= 0 && MaxDelaySeconds >= BaseDelaySeconds && MaxAttempts >= 0 && MaxAgeMinutes >= 0
                             && (MaxAttempts > 0 || MaxAgeMinutes > 0);
}

/// <summary>A consumer's own retry policy (Reportei callbacks: Svix's schedule), by function name.</summary>
public sealed record RetryPolicyRegistration(string FunctionName, Func<IServiceProvider, RetryPolicy> Policy);

/// <summary>The retry policy of each queue-triggered function: its own, or the default one.</summary>
public sealed class RetryPolicies
{
    private readonly RetryPolicy _default;
    private readonly Dictionary<string, RetryPolicy> _byFunction;

    public RetryPolicies(IServiceProvider services, Microsoft.Extensions.Options.IOptions<RetryOptions> options,
        IEnumerable<RetryPolicyRegistration> registrations)
    {
        _default = options.Value.ToPolicy();
        _byFunction = registrations.ToDictionary(r => r.FunctionName, r => r.Policy(services), StringComparer.OrdinalIgnoreCase);
    }

    public RetryPolicy For(string functionName) => _byFunction.GetValueOrDefault(functionName) ?? _default;
}

/// <summary>
/// Thrown when the work should be tried again later: the dispatcher schedules the next attempt rather than failing
/// the invocation. <paramref name="isAttempt"/> false: nothing was tried (the destination asked to wait, or another
/// invocation holds the delivery), so the wait does not count as an attempt.
/// </summary>
public sealed class RetryLaterException(string message, TimeSpan? retryAfter = null, bool isAttempt = true) : Exception(message)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
    public bool IsAttempt { get; } = isAttempt;
}

/// <summary>
/// The message belongs to a consumer that gave up on it: the invocation fails at once, every delivery, until the
/// broker dead-letters it (a custom handler cannot dead-letter a message itself).
/// </summary>
public sealed class GaveUpException(string reason) : Exception(reason);
