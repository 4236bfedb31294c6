namespace Pipeline.Functions.Delivery;

/// <summary>What <see cref="DeliveryEngine.AttemptAsync"/> did: called the destination, or found the delivery done or held.</summary>
public abstract record DeliveryAttempt
{
    public sealed record Made(DeliveryOutcome Outcome) : DeliveryAttempt;
    public sealed record AlreadyDone(DeliveryRecord Record) : DeliveryAttempt;
    public sealed record HeldElsewhere(DateTimeOffset? Until) : DeliveryAttempt;
}
