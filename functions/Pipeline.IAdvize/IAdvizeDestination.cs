using Pipeline.Functions.Delivery.Http;
using Pipeline.Functions.Tracking;

namespace Pipeline.Functions.IAdvize;

/// <summary>iAdvize as a destination of the delivery engine: identified tracking visitors become iAdvize visitors.</summary>
public sealed class IAdvizeDestination(IOptions<IAdvizeOptions> options,
    [FromKeyedServices(IAdvizeClient.HttpClientName)] RateLimitGate gate, TimeProvider clock) : IDestination
{
    public const string DestinationName = "iadvize";

    public string Name => DestinationName;

    public string? NotConfigured => options.Value.IsConfigured ? null : "IAdvize__ApiKey is not set";

    // A lookup and a write, each possibly timing out, plus waiting for a concurrency permit.
    public TimeSpan Lease => TimeSpan.FromSeconds(options.Value.TimeoutSeconds * 4 + 5);

    /// <summary>The pause iAdvize's 429 or 503 (Retry-After) set for every caller, or the open circuit's break.</summary>
    public TimeSpan? PausedFor => gate.CallsHeldUntil - clock.GetUtcNow();
}

/// <summary>An identified visitor's session start, upserted as an iAdvize visitor; anonymous ones get no delivery record.</summary>
public sealed class ForwardIdentifiedVisitors(VisitorSync sync) : IDeliveryHandler<VisitorSessionStarted>
{
    public bool Accepts(VisitorSessionStarted session) => session.Identified;

    public Task<DeliveryOutcome> DeliverAsync(VisitorSessionStarted session, EventEnvelope envelope, CancellationToken cancellationToken) =>
        sync.UpsertAsync(session, cancellationToken);
}
