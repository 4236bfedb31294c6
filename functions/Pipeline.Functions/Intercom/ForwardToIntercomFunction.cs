using Microsoft.Extensions.Options;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Storage;

namespace Pipeline.Functions.Intercom;

/// <summary>
/// The Intercom forwarder. A delivery record per event keeps each effect to once: a message whose delivery is
/// done (delivered, refused for good, or skipped) makes no call. Transient failures throw, so the queue
/// redelivers the message and finally dead-letters it with the reason; refusals are recorded, not retried.
/// </summary>
public sealed class ForwardToIntercomFunction(IntercomSync sync, IntercomClient intercom, DeliveryLog deliveries,
    IOptions<IntercomOptions> options) : IFunction
{
    public const string Destination = "intercom";

    public FunctionDefinition Definition { get; } = FunctionDefinition.Queue("ForwardToIntercom", QueueNames.Intercom);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var envelope = EventEnvelope.Parse(invocation.Message!);
        // Long enough for a few calls to time out; a forwarder that died mid-call is taken over after it.
        var lease = TimeSpan.FromSeconds(options.Value.TimeoutSeconds * 4 + 5);
        var claim = await deliveries.ClaimAsync(envelope.Id, Destination, lease, cancellationToken);
        switch (claim)
        {
            case DeliveryClaim.AlreadyDone done:
                return InvocationResult.Done().Log($"{envelope.Id} already {done.Record.Status} for {Destination}; nothing sent");
            case DeliveryClaim.HeldElsewhere held:
                throw new DeliveryInProgressException($"{envelope.Id} is being delivered to {Destination} by another invocation" +
                                                      (held.Until is { } until ? $" until {until:O}" : ""));
        }
        var attempt = ((DeliveryClaim.Claimed)claim).Attempt;

        if (!intercom.IsConfigured)
            return await FinishAsync(envelope, DeliveryStatus.Skipped, attempt, null, "Intercom__AccessToken is not set", cancellationToken);

        string? summary;
        try
        {
            summary = await sync.ApplyAsync(envelope, cancellationToken);
        }
        catch (IntercomTransientException ex)
        {
            await deliveries.SaveAsync(envelope.Id, Destination, DeliveryStatus.Retrying, attempt, null, ex.Message, cancellationToken);
            Telemetry.PipelineTelemetry.RecordDeliveryOutcome(Destination, DeliveryStatus.Retrying.ToString());
            throw;
        }
        catch (IntercomRefusedException ex)
        {
            return await FinishAsync(envelope, DeliveryStatus.Failed, attempt, ex.Status, ex.Message, cancellationToken);
        }

        return summary is null
            ? await FinishAsync(envelope, DeliveryStatus.Skipped, attempt, null, $"no Intercom mapping for {envelope.Type}", cancellationToken)
            : await FinishAsync(envelope, DeliveryStatus.Delivered, attempt, 200, null, cancellationToken, summary);
    }

    private async Task<InvocationResult> FinishAsync(EventEnvelope envelope, DeliveryStatus status, int attempt, int? httpStatus,
        string? error, CancellationToken cancellationToken, string? summary = null)
    {
        await deliveries.SaveAsync(envelope.Id, Destination, status, attempt, httpStatus, error, cancellationToken);
        Telemetry.PipelineTelemetry.RecordDeliveryOutcome(Destination, status.ToString());
        var detail = error ?? summary;
        return InvocationResult.Done().Log($"{envelope.Type} {envelope.Id}: {status} for {Destination}" +
                                           (detail is null ? "" : $" ({detail})"));
    }
}
