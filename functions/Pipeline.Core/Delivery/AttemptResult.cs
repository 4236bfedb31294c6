namespace Pipeline.Functions.Delivery;

/// <summary>What <see cref="DeliveryEngine.AttemptAsync"/> did: called the destination, or found the delivery done or held.</summary>
public abstract record AttemptResult
{
    /// <param name="Kept">false when the delivery was taken over meanwhile and its record left to the other invocation.</param>
    public sealed record Made(DeliveryOutcome Outcome, DeliveryStatus Status, bool Kept) : AttemptResult;
    public sealed record AlreadyDone(DeliveryRecord Record) : AttemptResult;
    public sealed record HeldElsewhere(DateTimeOffset? Until) : AttemptResult;
}
