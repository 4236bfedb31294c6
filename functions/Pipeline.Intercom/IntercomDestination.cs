using Microsoft.Extensions.Options;
using Pipeline.Functions.Delivery;
using Pipeline.Functions.Delivery.Http;
using Pipeline.Functions.Envelope;

namespace Pipeline.Functions.Intercom;

/// <summary>
/// Intercom as a destination of the delivery engine: everything a push does there is <see cref="IntercomSync"/>; other
/// modules' events that become data events on a person's contact go through their <see cref="IIntercomContactEventSource"/>.
/// </summary>
public sealed class IntercomDestination(IntercomSync sync, IntercomContactEvents contactEvents,
    IEnumerable<IIntercomContactEventSource> contactEventSources, IOptions<IntercomOptions> options,
    [FromKeyedServices(IntercomClient.HttpClientName)] RateLimitGate gate, TimeProvider clock) : IDestination
{
    public const string DestinationName = "intercom";

    public string Name => DestinationName;

    // Long enough for a few calls to time out, waits for the rate limiter included.
    public TimeSpan Lease => TimeSpan.FromSeconds(options.Value.TimeoutSeconds * 4 + 5);

    /// <summary>The pause Intercom's 429 (Retry-After) or spent budget (X-RateLimit-Reset) set, or the open circuit's break.</summary>
    public TimeSpan? PausedFor => gate.CallsHeldUntil - clock.GetUtcNow();

    public async Task<DeliveryOutcome> DeliverAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!options.Value.IsConfigured) return new DeliveryOutcome.Skipped("Intercom__AccessToken is not set");
        if (contactEventSources.FirstOrDefault(s => s.Applies(envelope)) is { } source)
        {
            var plan = await source.PlanAsync(envelope, cancellationToken);
            if (plan.Event is not { } contactEvent) return new DeliveryOutcome.Skipped(plan.SkipReason ?? $"nothing for Intercom in {envelope.Type}");
            var contactId = await contactEvents.RecordAsync(contactEvent, cancellationToken);
            return new DeliveryOutcome.Delivered(200, $"event {contactEvent.EventName} on contact {contactId}");
        }
        var summary = await sync.ApplyAsync(envelope, cancellationToken);
        return summary is null
            ? new DeliveryOutcome.Skipped($"no Intercom mapping for {envelope.Type}")
            : new DeliveryOutcome.Delivered(200, summary);
    }
}
