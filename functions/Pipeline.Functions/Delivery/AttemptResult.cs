namespace Pipeline.Functions.Delivery;

/// <summary>What <see cref="DeliveryEngine.AttemptAsync"/> did: called the destination, or found the delivery done or held.</summary>
public abstract record AttemptResult
{
    public sealed record Made(DeliveryOutcome Outcome) : AttemptResult;
    public sealed record AlreadyDone(DeliveryRecord Record) : AttemptResult;
    public sealed record HeldElsewhere(DateTimeOffset? Until) : AttemptResult;
}
