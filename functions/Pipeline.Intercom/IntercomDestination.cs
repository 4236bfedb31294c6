using Pipeline.Functions.Delivery.Http;

namespace Pipeline.Functions.Intercom;

/// <summary>
/// Intercom as a destination of the delivery engine: its name, lease and pause. What each event does there is its
/// handler's (<see cref="IntercomSync"/> for pushes and statistics re-sends, <see cref="IAdvizeContactEvents"/> for
/// iAdvize's conversations), as the module's subscriptions route them.
/// </summary>
public sealed class IntercomDestination(IOptions<IntercomOptions> options,
    [FromKeyedServices(IntercomClient.HttpClientName)] RateLimitGate gate, TimeProvider clock) : IDestination
{
    public const string DestinationName = "intercom";

    public string Name => DestinationName;

    public string? NotConfigured => options.Value.IsConfigured ? null : "Intercom__AccessToken is not set";

    // Long enough for a few calls to time out, waits for the rate limiter included.
    public TimeSpan Lease => TimeSpan.FromSeconds(options.Value.TimeoutSeconds * 4 + 5);

    /// <summary>The pause Intercom's 429 (Retry-After) or spent budget (X-RateLimit-Reset) set, or the open circuit's break.</summary>
    public TimeSpan? PausedFor => gate.CallsHeldUntil - clock.GetUtcNow();
}
