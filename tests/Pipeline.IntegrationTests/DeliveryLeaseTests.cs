using Pipeline.Functions.Delivery;
using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.Intercom;

namespace Pipeline.IntegrationTests;

/// <summary>
/// The delivery engine's promise when an invocation outlives its lease: another invocation takes the delivery
/// over, the late one is cancelled before it calls, and its record never overwrites the winner's.
/// </summary>
public sealed class DeliveryLeaseTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task A_delivery_held_past_its_lease_is_taken_over_and_Intercom_sees_one_call_with_the_winners_record()
    {
        var engine = fixture.Host.Services.GetRequiredService<DeliveryEngine>();
        var stuckFirst = new StuckOnFirstCall(IntercomDestination.DestinationName, TimeSpan.FromSeconds(1.5));
        var intercom = fixture.Host.Services.GetRequiredService<IntercomSync>();
        var site = PipelineFixture.NewSiteId();
        var envelope = EventEnvelope.Create("push.cart_recovered", "test", Subjects.Site(site),
            JsonDocument.Parse($$"""{"site_id":"{{site}}","cart_recovered":3}""").RootElement, TimeProvider.System);
        DeliveryCall send = token => stuckFirst.CallAsync(t => intercom.DeliverAsync(PushReceived.Read(envelope), envelope, t), token);

        // The first invocation claims the delivery and then hangs, as a wait for a rate limit that never ends would.
        var first = engine.DeliverAsync(stuckFirst, envelope, send, new Invocation { FunctionName = "ForwardToIntercom" }, CancellationToken.None);
        await stuckFirst.FirstLeaseRanOut.WaitAsync(TimeSpan.FromSeconds(10));

        // Its lease is over: a second invocation (the message redelivered) takes the delivery over and delivers. The
        // cancellation timer and the wall clock the lease is written in may differ by a few milliseconds, so a
        // redelivery that still finds the lease held is tried again, as the queue would.
        FunctionResult? second = null;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                second = await engine.DeliverAsync(stuckFirst, envelope, send, new Invocation { FunctionName = "ForwardToIntercom" }, CancellationToken.None);
                return true;
            }
            catch (RetryLaterException held) when (held.Message.Contains("by another invocation"))
            {
                return false;
            }
        }, "a redelivery takes the delivery over once the first lease is past");
        Assert.Contains("Delivered for intercom", string.Join("\n", second!.Logs));

        // Only now does the first go on to call, with its cancelled token, and then try to record its outcome.
        stuckFirst.ReleaseFirst();
        var late = await Assert.ThrowsAsync<RetryLaterException>(() => first);

        Assert.Contains("lease", late.Message);
        Assert.Contains("taken over", late.Message);
        Assert.Single(fixture.Intercom.CompanyCalls(site));
        var record = (await fixture.DeliveryOf(envelope.Id, "intercom"))!;
        Assert.Equal("Delivered", record.GetString("Status"));
        Assert.Equal(2, record.GetInt32("Attempts"));
    }

    [Fact]
    public async Task A_claim_that_lost_its_lease_cannot_finish_over_the_claim_that_took_over()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var log = new DeliveryRecords(fixture.Host.Services.GetRequiredService<StorageAccount>(), clock);
        var envelope = EventEnvelope.Create("push.cart_recovered", "test", Subjects.Site(PipelineFixture.NewSiteId()),
            JsonDocument.Parse("{}").RootElement, TimeProvider.System);
        var lease = TimeSpan.FromSeconds(30);

        var a = Assert.IsType<DeliveryClaim.Claimed>(await log.ClaimAsync(envelope, "test-destination", lease, CancellationToken.None));
        Assert.IsType<DeliveryClaim.HeldElsewhere>(await log.ClaimAsync(envelope, "test-destination", lease, CancellationToken.None));
        clock.Now += lease + TimeSpan.FromSeconds(1);
        var b = Assert.IsType<DeliveryClaim.Claimed>(await log.ClaimAsync(envelope, "test-destination", lease, CancellationToken.None));

        Assert.False(await log.FinishAsync(a.Lease, DeliveryStatus.Retrying, 503, "late", CancellationToken.None));
        Assert.True(await log.FinishAsync(b.Lease, DeliveryStatus.Delivered, 200, null, CancellationToken.None));
        Assert.False(await log.FinishAsync(a.Lease, DeliveryStatus.Failed, 400, "later still", CancellationToken.None));

        var record = (await log.FindAsync(envelope.Id, "test-destination", CancellationToken.None))!;
        Assert.Equal(DeliveryStatus.Delivered, record.Status);
        Assert.Equal(2, record.Attempts);
        Assert.Equal(200, record.HttpStatus);
        Assert.Null(record.Error);
        Assert.IsType<DeliveryClaim.AlreadyDone>(await log.ClaimAsync(envelope, "test-destination", lease, CancellationToken.None));
    }

    /// <summary>
    /// Intercom whose first call has a short lease and hangs until the lease cancels it and the test lets it go on;
    /// every later call goes straight through, with a lease long enough for a slow machine.
    /// </summary>
    private sealed class StuckOnFirstCall(string name, TimeSpan firstLease) : IDestination
    {
        private readonly TaskCompletionSource _leaseRanOut = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public string Name => name;
        public TimeSpan Lease => Volatile.Read(ref _calls) == 0 ? firstLease : TimeSpan.FromSeconds(30);
        public Task FirstLeaseRanOut => _leaseRanOut.Task;
        public void ReleaseFirst() => _release.TrySetResult();

        public async Task<DeliveryOutcome> CallAsync(DeliveryCall inner, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                await using (cancellationToken.Register(() => _leaseRanOut.TrySetResult()))
                    await _release.Task;
            }
            return await inner(cancellationToken);
        }
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
