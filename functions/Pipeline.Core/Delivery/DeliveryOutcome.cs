namespace Pipeline.Functions.Delivery;

/// <summary>What a destination made of one event, in terms every destination shares (the delivery engine records and retries by them).</summary>
public abstract record DeliveryOutcome
{
    /// <param name="Summary">One line saying what was sent, for the logs.</param>
    public sealed record Delivered(int? HttpStatus = null, string? Summary = null) : DeliveryOutcome;

    /// <summary>The destination refused the event for good (a 4xx other than 408/429): recorded, never retried.</summary>
    public sealed record Refused(int? HttpStatus, string Error) : DeliveryOutcome;

    /// <summary>Worth trying again: no answer, a 5xx, 408 or 429. The next attempt is scheduled (RetryPolicy).</summary>
    /// <param name="NotSent">Nothing reached the destination (its circuit was open, or it had asked to wait): a wait,
    /// which costs the consumer no attempt.</param>
    public sealed record Transient(string Error, int? HttpStatus = null, TimeSpan? RetryAfter = null, bool NotSent = false) : DeliveryOutcome;

    /// <summary>Nothing to do for this destination (not configured, nothing mapped): recorded with the reason.</summary>
    public sealed record Skipped(string Reason) : DeliveryOutcome;
}

/// <summary>Thrown from deep inside a destination's calls when a retry later may succeed; the engine makes it an outcome.</summary>
public sealed class TransientDeliveryException(string message, int? httpStatus = null, TimeSpan? retryAfter = null,
    Exception? inner = null, bool notSent = false) : Exception(message, inner)
{
    /// <summary>Nothing was sent: a wait, not an attempt (see <see cref="DeliveryOutcome.Transient.NotSent"/>).</summary>
    public bool NotSent { get; } = notSent;

    public int? HttpStatus { get; } = httpStatus;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>Thrown from deep inside a destination's calls when the destination refused for good.</summary>
public sealed class RefusedDeliveryException(int? httpStatus, string message) : Exception(message)
{
    public int? HttpStatus { get; } = httpStatus;
}
