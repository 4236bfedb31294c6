using Microsoft.Extensions.Options;
using Pipeline.Functions.Delivery;
using Pipeline.Functions.Envelope;

namespace Pipeline.Functions.Intercom;

/// <summary>Intercom as a destination of the delivery engine: everything an envelope does there is <see cref="IntercomSync"/>.</summary>
public sealed class IntercomDestination(IntercomSync sync, IOptions<IntercomOptions> options) : IDestination
{
    public const string DestinationName = "intercom";

    public string Name => DestinationName;

    // Long enough for a few calls to time out, waits for the rate limiter included.
    public TimeSpan Lease => TimeSpan.FromSeconds(options.Value.TimeoutSeconds * 4 + 5);

    public async Task<DeliveryOutcome> DeliverAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!options.Value.IsConfigured) return new DeliveryOutcome.Skipped("Intercom__AccessToken is not set");
        var summary = await sync.ApplyAsync(envelope, cancellationToken);
        return summary is null
            ? new DeliveryOutcome.Skipped($"no Intercom mapping for {envelope.Type}")
            : new DeliveryOutcome.Delivered(200, summary);
    }
}
