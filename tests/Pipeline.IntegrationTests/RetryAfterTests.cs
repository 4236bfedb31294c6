using Pipeline.Functions.Delivery;

namespace Pipeline.IntegrationTests;

/// <summary>
/// A destination's Retry-After is a wait, not a failure: the next call comes no earlier than it says, and waiting
/// costs no attempt, neither for the delivery that met the 429 nor for those that arrive during the pause.
/// </summary>
public sealed class RetryAfterTests(RetryAfterTests.Fixture fixture) : IClassFixture<RetryAfterTests.Fixture>
{
    /// <summary>A generous call timeout: the 429 must be seen as a 429, not as a call that timed out on a busy machine.</summary>
    public sealed class Fixture : PipelineFixture
    {
        protected override void Configure(Dictionary<string, string?> settings) => settings["Intercom:TimeoutSeconds"] = "15";
    }

    [Fact]
    public async Task A_429_with_Retry_After_gets_exactly_one_more_call_no_earlier_and_the_delivery_shows_two_attempts()
    {
        var wait = TimeSpan.FromSeconds(4);
        var site = PipelineFixture.NewSiteId();
        var during = PipelineFixture.NewSiteId();
        fixture.Intercom.FailOnce(site, 429, retryAfter: wait);

        var id = await PushAsync(site);
        await Eventually.TrueAsync(() => fixture.Intercom.CompanyCalls(site).Count == 1, "the first call meets the 429");
        var duringId = await PushAsync(during); // arrives while Intercom asked every caller to wait

        await Eventually.TrueAsync(async () => (await fixture.DeliveryOf(id, "intercom"))?.GetString("Status") == "Delivered",
            "delivered after the pause", TimeSpan.FromSeconds(40));
        await Eventually.TrueAsync(async () => (await fixture.DeliveryOf(duringId, "intercom"))?.GetString("Status") == "Delivered",
            "the push sent during the pause is delivered after it", TimeSpan.FromSeconds(40));

        var calls = fixture.Intercom.CompanyCallTimes(site);
        Assert.Equal(2, calls.Count);
        Assert.True(calls[1] - calls[0] >= wait - TimeSpan.FromMilliseconds(50), $"the second call came {calls[1] - calls[0]} after the first");
        Assert.Equal(2, (await fixture.DeliveryOf(id, "intercom"))!.GetInt32("Attempts"));
        Assert.Equal(1, (await fixture.DeliveryOf(duringId, "intercom"))!.GetInt32("Attempts"));
        Assert.Single(fixture.Intercom.CompanyCalls(during));
        Assert.True(fixture.Intercom.CompanyCallTimes(during)[0] - calls[0] >= wait - TimeSpan.FromMilliseconds(50));
        Assert.Empty((await fixture.Host.Queue(Pipeline.Functions.Hosting.QueueNames.Poison(SubscriptionQueues.Intercom)).PeekMessagesAsync(1)).Value);
    }

    [Fact]
    public async Task A_call_never_sent_because_the_circuit_is_open_is_a_wait_not_an_attempt_even_on_the_last_one()
    {
        var engine = fixture.Host.Services.GetRequiredService<DeliveryEngine>();
        var site = PipelineFixture.NewSiteId();
        var envelope = EventEnvelope.Create("push.cart_recovered", "test", Subjects.Site(site),
            JsonDocument.Parse($$"""{"site_id":"{{site}}","cart_recovered":3}""").RootElement, TimeProvider.System);
        var last = new Invocation { FunctionName = "ForwardToIntercom", Attempt = 4, IsLastAttempt = true };

        var wait = await Assert.ThrowsAsync<RetryLaterException>(() => engine.DeliverAsync(new CircuitOpen(), envelope, CircuitOpen.CallAsync, last, CancellationToken.None));

        Assert.False(wait.IsAttempt);
        Assert.Equal(TimeSpan.FromSeconds(3), wait.RetryAfter);
        var record = (await fixture.DeliveryOf(envelope.Id, "intercom"))!;
        Assert.Equal("Retrying", record.GetString("Status")); // not Failed: nothing was tried, so nothing was given up
    }

    /// <summary>Intercom as its client sees it while its circuit breaker is open: nothing goes out.</summary>
    private sealed class CircuitOpen : IDestination
    {
        public string Name => "intercom";
        public TimeSpan Lease => TimeSpan.FromSeconds(30);

        public static Task<DeliveryOutcome> CallAsync(CancellationToken cancellationToken) =>
            throw new TransientDeliveryException("POST /companies: not sent, the circuit to intercom is open", retryAfter: TimeSpan.FromSeconds(3),
                notSent: true);
    }

    private async Task<Guid> PushAsync(string site)
    {
        var response = await fixture.Host.PostJsonAsync("api/push/cart_recovered", $$"""{"site_id":"{{site}}","cart_recovered":"2"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Guid id = default;
        await Eventually.TrueAsync(async () =>
        {
            var logged = await fixture.EventsOf(site);
            if (logged.Count == 0) return false;
            id = Guid.Parse(logged[0].RowKey);
            return true;
        }, "the push is recorded");
        return id;
    }
}
