using Microsoft.Extensions.Options;
using Pipeline.Functions.Delivery;
using Pipeline.Functions.Delivery.Http;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Tracking;

namespace Pipeline.Functions.IAdvize;

/// <summary>iAdvize as a destination of the delivery engine: identified tracking visitors become iAdvize visitors.</summary>
public sealed class IAdvizeDestination(VisitorSync sync, IOptions<IAdvizeOptions> options,
    [FromKeyedServices(IAdvizeClient.HttpClientName)] RateLimitGate gate, TimeProvider clock) : IDestination
{
    public const string DestinationName = "iadvize";

    public string Name => DestinationName;

    // A lookup and a write, each possibly timing out, plus waiting for a concurrency permit.
    public TimeSpan Lease => TimeSpan.FromSeconds(options.Value.TimeoutSeconds * 4 + 5);

    /// <summary>The pause iAdvize's 429 or 503 (Retry-After) set for every caller, or the open circuit's break.</summary>
    public TimeSpan? PausedFor => gate.CallsHeldUntil - clock.GetUtcNow();

    public bool Accepts(EventEnvelope envelope) => TrackingEvents.IsIdentifiedInit(envelope);

    public async Task<DeliveryOutcome> DeliverAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!TrackingEvents.IsIdentifiedInit(envelope)) return new DeliveryOutcome.Skipped($"no iAdvize mapping for {envelope.Type}");
        if (!options.Value.IsConfigured) return new DeliveryOutcome.Skipped("IAdvize__ApiKey is not set");
        return await sync.UpsertAsync(envelope, cancellationToken);
    }
}
