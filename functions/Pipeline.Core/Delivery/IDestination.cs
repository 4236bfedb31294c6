namespace Pipeline.Functions.Delivery;

/// <summary>
/// One place events are delivered to (Intercom, iAdvize, a webhook receiver): what the <see cref="DeliveryEngine"/>
/// needs to know of it. What it does with each kind of event is its <see cref="IDeliveryHandler{TEvent}"/>s; claiming,
/// recording and retrying belong to the engine.
/// </summary>
public interface IDestination
{
    /// <summary>The delivery records' name for it (<c>intercom</c>), stable across releases.</summary>
    string Name { get; }

    /// <summary>
    /// How long one delivery may hold its claim. The call is cancelled when it runs out, so that a delivery taken
    /// over by another invocation is never made late; set it above the slowest expected call, waits included.
    /// </summary>
    TimeSpan Lease { get; }

    /// <summary>Why nothing can be sent to it (a credential not set): each delivery is then recorded as skipped with this reason.</summary>
    string? NotConfigured => null;

    /// <summary>How long the destination has asked every caller to wait (a 429's Retry-After); null or zero: no pause.</summary>
    TimeSpan? PausedFor => null;
}

/// <summary>
/// What a destination does with one kind of event: the call, and what happened. May return any outcome, or throw
/// <see cref="TransientDeliveryException"/> / <see cref="RefusedDeliveryException"/> from deep inside; other exceptions
/// fail the invocation as they are.
/// </summary>
public interface IDeliveryHandler<in TEvent>
{
    /// <summary>Whether the destination has any use for the event; one it has none for gets no delivery record.</summary>
    bool Accepts(TEvent @event) => true;

    Task<DeliveryOutcome> DeliverAsync(TEvent @event, EventEnvelope envelope, CancellationToken cancellationToken);
}
