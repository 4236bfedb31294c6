using Pipeline.Functions.Messaging;
using Pipeline.Functions.Telemetry;

namespace Pipeline.Functions.Delivery;

/// <summary>One call to a destination, cancelled when the delivery's lease runs out.</summary>
public delegate Task<DeliveryOutcome> DeliveryCall(CancellationToken cancellationToken);

/// <summary>
/// Delivers one event to one destination, at most once per (event, destination) whatever redelivers the message:
/// claim the delivery record with a lease, call the destination with the lease as its deadline, finish the record
/// with a write conditional on the claim. A transient outcome is thrown as <see cref="RetryLaterException"/>, which
/// the dispatcher turns into a scheduled retry (never an immediate redelivery); on the consumer's last attempt the
/// delivery is recorded failed first, and the message dead-letters with the reason.
/// </summary>
public sealed class DeliveryEngine(DeliveryRecords deliveries, TimeProvider clock)
{
    /// <param name="send">The destination's call for this event (its handler's <c>DeliverAsync</c>).</param>
    public async Task<FunctionResult> DeliverAsync(IDestination destination, EventEnvelope envelope, DeliveryCall send,
        Invocation invocation, CancellationToken cancellationToken)
    {
        // Waiting is not an attempt: while the destination has asked callers to wait, nothing is claimed or called.
        if (destination.PausedFor is { } pause && pause > TimeSpan.Zero)
            throw new RetryLaterException($"{destination.Name} asked to wait {pause.TotalSeconds:0.#} s more", pause, isAttempt: false);

        var attempt = await AttemptAsync(destination, envelope, send, cancellationToken, invocation.IsLastAttempt ? invocation.Attempt : null,
            reopenFailed: invocation.Properties.ContainsKey(MessageProperties.Requeued));
        switch (attempt)
        {
            case AttemptResult.AlreadyDone done:
                return FunctionResult.Done().Log($"{envelope.Id} already {done.Record.Status} for {destination.Name}; nothing sent");
            case AttemptResult.HeldElsewhere held:
                var wait = held.Until is { } until ? until - clock.GetUtcNow() : (TimeSpan?)null;
                throw new RetryLaterException($"{envelope.Id} is being delivered to {destination.Name} by another invocation" +
                                              (held.Until is { } u ? $" until {u:O}" : ""), wait, isAttempt: false);
        }
        var made = (AttemptResult.Made)attempt;
        var detail = made.Outcome switch
        {
            DeliveryOutcome.Delivered d => d.Summary,
            DeliveryOutcome.Refused r => r.Error,
            DeliveryOutcome.Transient t => t.Error,
            DeliveryOutcome.Skipped s => s.Reason,
            _ => null,
        };
        const string takenOver = "; the delivery was taken over meanwhile, so its record was left to the invocation that took it";
        var line = $"{envelope.Type} {envelope.Id}: {made.Status} for {destination.Name}" + (detail is null ? "" : $" ({detail})")
                   + (made.Kept ? "" : takenOver);

        // The retry's log line and, after the last attempt, the dead letter's reason: what the destination did.
        if (made.Outcome is DeliveryOutcome.Transient transient)
            throw new RetryLaterException($"{destination.Name}: {transient.Error}" + (made.Kept ? "" : takenOver), transient.RetryAfter,
                isAttempt: !transient.NotSent);
        return FunctionResult.Done().Log(line);
    }

    /// <summary>
    /// One attempt: claim, call, record. The outcome is returned, never thrown, for callers that schedule their own
    /// retries themselves (a Reportei job's callback); <see cref="DeliverAsync"/> is the subscription's form.
    /// </summary>
    /// <param name="lastAttempt">Set when this is the consumer's last attempt: a transient outcome is then recorded as
    /// failed, with the reason it gave up.</param>
    /// <param name="reopenFailed">The message was requeued from the dead letters: a failed delivery is tried again.</param>
    public async Task<AttemptResult> AttemptAsync(IDestination destination, EventEnvelope envelope, DeliveryCall send,
        CancellationToken cancellationToken, int? lastAttempt = null, bool reopenFailed = false)
    {
        var claim = await deliveries.ClaimAsync(envelope, destination.Name, destination.Lease, cancellationToken, reopenFailed);
        switch (claim)
        {
            case DeliveryClaim.AlreadyDone done:
                return new AttemptResult.AlreadyDone(done.Record);
            case DeliveryClaim.HeldElsewhere held:
                return new AttemptResult.HeldElsewhere(held.Until);
        }
        var lease = ((DeliveryClaim.Claimed)claim).Lease;
        var outcome = destination.NotConfigured is { } reason
            ? new DeliveryOutcome.Skipped(reason)
            : await CallAsync(destination, send, lease, cancellationToken);
        var (status, httpStatus, error) = outcome switch
        {
            DeliveryOutcome.Delivered d => (DeliveryStatus.Delivered, d.HttpStatus, (string?)null),
            DeliveryOutcome.Refused r => (DeliveryStatus.Failed, r.HttpStatus, r.Error),
            DeliveryOutcome.Transient t when lastAttempt is { } n && !t.NotSent =>
                (DeliveryStatus.Failed, t.HttpStatus, $"gave up after {n} attempts: {t.Error}"),
            DeliveryOutcome.Transient t => (DeliveryStatus.Retrying, t.HttpStatus, t.Error),
            DeliveryOutcome.Skipped s => (DeliveryStatus.Skipped, (int?)null, s.Reason),
            _ => throw new InvalidOperationException($"unknown outcome {outcome}"),
        };
        var kept = await deliveries.FinishAsync(lease, status, httpStatus, error, cancellationToken);
        PipelineTelemetry.RecordDeliveryOutcome(destination.Name, status.ToString());
        return new AttemptResult.Made(outcome, status, kept);
    }

    private async Task<DeliveryOutcome> CallAsync(IDestination destination, DeliveryCall send, DeliveryLease lease,
        CancellationToken cancellationToken)
    {
        // The call may not outlive the lease: past it another invocation may hold the delivery, and a late call
        // would make the effect twice.
        using var leaseTimeout = new CancellationTokenSource(Max(lease.Until - clock.GetUtcNow(), TimeSpan.Zero), clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, leaseTimeout.Token);
        try
        {
            return await send(linked.Token);
        }
        catch (TransientDeliveryException ex)
        {
            return new DeliveryOutcome.Transient(ex.Message, ex.HttpStatus, ex.RetryAfter, ex.NotSent);
        }
        catch (RefusedDeliveryException ex)
        {
            return new DeliveryOutcome.Refused(ex.HttpStatus, ex.Message);
        }
        catch (OperationCanceledException) when (leaseTimeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new DeliveryOutcome.Transient($"the lease of {destination.Lease.TotalSeconds:0.#} s ran out before " +
                                                 $"{destination.Name} answered; the call was cancelled");
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
