using Pipeline.Functions.Envelope;

namespace Pipeline.Functions.Delivery;

/// <summary>
/// One place events are delivered to (Intercom, iAdvize, a webhook receiver). A destination only calls and says
/// what happened; claiming, recording and retrying belong to the <see cref="DeliveryEngine"/>.
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

    /// <summary>
    /// Delivers one event. May return any outcome, or throw <see cref="TransientDeliveryException"/> /
    /// <see cref="RefusedDeliveryException"/> from deep inside; other exceptions fail the invocation as they are.
    /// </summary>
    Task<DeliveryOutcome> DeliverAsync(EventEnvelope envelope, CancellationToken cancellationToken);

    /// <summary>Whether the destination has any use for the event; one it has none for gets no delivery record.</summary>
    bool Accepts(EventEnvelope envelope) => true;

    /// <summary>How long the destination has asked every caller to wait (a 429's Retry-After); null or zero: no pause.</summary>
    TimeSpan? PausedFor => null;
}
