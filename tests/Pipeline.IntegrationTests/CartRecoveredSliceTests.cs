namespace Pipeline.IntegrationTests;

/// <summary>
/// The first slice end to end through the local host: POST /api/push/cart_recovered → events → Recorder →
/// intercom → forwarder → the Intercom stand-in, with Table Storage checked at each step.
/// </summary>
public sealed class CartRecoveredSliceTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private PipelineHost Host => fixture.Host;
    private IntercomStandIn Intercom => fixture.Intercom;

    [Fact]
    public async Task Accepted_push_reaches_Intercom_once_and_is_in_the_event_log()
    {
        var site = PipelineFixture.NewSiteId();

        var response = await Host.PostJsonAsync("api/push/cart_recovered", $$"""{"site_id":"{{site}}","cart_recovered":"25"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"code":"200","message":"ok"}""", await response.Content.ReadAsStringAsync());
        await Eventually.TrueAsync(() => Intercom.CompanyCalls(site).Count == 1, "Intercom got the company upsert");

        var call = Intercom.Server.LogEntries.Single(e => e.RequestMessage?.Body?.Contains(site) == true).RequestMessage!;
        var body = JsonDocument.Parse(call.Body!).RootElement;
        Assert.Equal(site, body.GetProperty("company_id").GetString());
        Assert.Equal(JsonValueKind.Number, body.GetProperty("custom_attributes").GetProperty("cart_recovered").ValueKind);
        Assert.Equal(25, body.GetProperty("custom_attributes").GetProperty("cart_recovered").GetInt32());
        Assert.Equal("Bearer test-token", call.Headers!["Authorization"].Single());
        Assert.Equal("2.11", call.Headers["Intercom-Version"].Single());
        Assert.Contains("application/json", call.Headers["Accept"].Single());

        var logged = Assert.Single(await fixture.EventsOf(site));
        Assert.Equal("push.cart_recovered", logged.GetString("Type"));
        Assert.Equal(25, JsonDocument.Parse(logged.GetString("Data")).RootElement.GetProperty("cart_recovered").GetInt64());

        await Eventually.TrueAsync(async () => (await fixture.DeliveryOf(Guid.Parse(logged.RowKey), "intercom"))?.GetString("Status") == "Delivered",
            "the delivery is recorded as delivered");

        // Once the message has left the queue nothing can redeliver it: only then is "one call" final.
        await Eventually.TrueAsync(() => QueueIsEmpty(SubscriptionQueues.Intercom), "the forwarder completed the message", TimeSpan.FromSeconds(30));
        Assert.Single(Intercom.CompanyCalls(site));
    }

    [Theory]
    [InlineData("""{"site_id":"S","cart_recovery":"7"}""", 7)]
    [InlineData("""{"site_id":"S","cart_recovered":7}""", 7)]
    [InlineData("""{"site_id":"S","cart_recovered":" 12 "}""", 12)]
    public async Task Both_field_names_and_both_value_forms_are_accepted(string template, int expected)
    {
        var site = PipelineFixture.NewSiteId();
        var response = await Host.PostJsonAsync("api/push/cart_recovered", template.Replace("\"S\"", $"\"{site}\""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.TrueAsync(() => Intercom.CompanyCalls(site).Count == 1, "Intercom got the company upsert");
        Assert.Equal(expected, Intercom.CompanyCalls(site)[0].GetProperty("custom_attributes").GetProperty("cart_recovered").GetInt32());
    }

    [Theory]
    [InlineData("""{"cart_recovered":"25"}""", "site_id")]
    [InlineData("""{"site_id":42,"cart_recovered":"25"}""", "site_id")]
    [InlineData("""{"site_id":"S"}""", "cart_recovered")]
    [InlineData("""{"site_id":"S","cart_recovered":"abc"}""", "cart_recovered")]
    [InlineData("""{"site_id":"S","cart_recovered":"25.5"}""", "cart_recovered")]
    [InlineData("""{"site_id":"S","cart_recovered":[25]}""", "cart_recovered")]
    [InlineData("""{"site_id":"","cart_recovered":"25"}""", "site_id")]
    public async Task Invalid_fields_are_a_400_naming_each_and_nothing_is_recorded(string template, string badField)
    {
        var site = PipelineFixture.NewSiteId();
        var response = await Host.PostJsonAsync("api/push/cart_recovered", template.Replace("\"S\"", $"\"{site}\""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("400", body.GetProperty("code").GetString());
        Assert.True(body.GetProperty("message").TryGetProperty(badField, out var problem), $"message names {badField}: {body}");
        Assert.False(string.IsNullOrWhiteSpace(problem.GetString()));
        Assert.Empty(await fixture.EventsOf(site));
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[1,2]", "JSON object")]
    [InlineData("", "empty")]
    [InlineData("{\"site_id\":\"a\",\"site_id\":\"b\"}", "'site_id'")]
    public async Task Malformed_bodies_are_a_400(string body, string expected)
    {
        var response = await Host.PostJsonAsync("api/push/cart_recovered", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_a_413()
    {
        var site = PipelineFixture.NewSiteId();
        var padding = new string('x', 65 * 1024);
        var response = await Host.PostJsonAsync("api/push/cart_recovered",
            $$"""{"site_id":"{{site}}","cart_recovered":"1","padding":"{{padding}}"}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await fixture.EventsOf(site));
    }

    [Fact]
    public async Task A_body_over_the_host_limit_is_a_413_too()
    {
        var response = await Host.PostJsonAsync("api/push/cart_recovered", new string(' ', 2 * 1024 * 1024));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Wrong_method_is_a_405_with_Allow()
    {
        var response = await Host.Client.GetAsync("api/push/cart_recovered");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Copies_of_one_message_arriving_together_call_Intercom_once()
    {
        var site = PipelineFixture.NewSiteId();
        var envelope = EventEnvelope.Create("push.cart_recovered", "test", Subjects.Site(site),
            JsonDocument.Parse($$"""{"site_id":"{{site}}","cart_recovered":3}""").RootElement, TimeProvider.System);
        var text = envelope.ToJson().GetRawText();

        // Three copies on events (a redelivered Recorder input) and three on intercom (redelivered forwarder input).
        await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[]
        {
            Host.Queue("events").SendMessageAsync(text),
            Host.Queue(SubscriptionQueues.Intercom).SendMessageAsync(text),
        }));

        await Eventually.TrueAsync(async () =>
                (await fixture.DeliveryOf(envelope.Id, "intercom"))?.GetString("Status") == "Delivered",
            "the delivery is recorded as done");
        await Eventually.TrueAsync(async () => await QueueIsEmpty("events") && await QueueIsEmpty(SubscriptionQueues.Intercom),
            "every copy was processed", TimeSpan.FromSeconds(20));
        // Each call Intercom saw is an attempt the delivery record claimed (a call that outlived its 2 s timeout on a
        // busy machine is a second attempt, recorded so); a copy never calls on its own.
        var attempts = (await fixture.DeliveryOf(envelope.Id, "intercom"))!.GetInt32("Attempts") ?? 0;
        Assert.Equal(attempts, Intercom.CompanyCalls(site).Count);
        Assert.InRange(attempts, 1, 2);
        Assert.Single(await fixture.EventsOf(site));
    }

    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    [InlineData(429)]
    [InlineData(408)]
    public async Task A_transient_Intercom_failure_is_retried_until_it_succeeds(int status)
    {
        var site = PipelineFixture.NewSiteId();
        Intercom.FailOnce(site, status);

        var response = await Host.PostJsonAsync("api/push/cart_recovered", $$"""{"site_id":"{{site}}","cart_recovered":"9"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var eventId = await EventIdOf(site);
        await Eventually.TrueAsync(async () => (await fixture.DeliveryOf(eventId, "intercom"))?.GetString("Status") == "Delivered",
            "the retry is delivered");
        Assert.Equal(2, Intercom.CompanyCalls(site).Count);
        Assert.Equal(2, (await fixture.DeliveryOf(eventId, "intercom"))!.GetInt32("Attempts"));
    }

    [Fact]
    public async Task An_Intercom_timeout_is_retried()
    {
        var site = PipelineFixture.NewSiteId();
        Intercom.FailOnce(site, 200, firstDelay: TimeSpan.FromSeconds(4)); // the host's timeout is 2 s

        await Host.PostJsonAsync("api/push/cart_recovered", $$"""{"site_id":"{{site}}","cart_recovered":"4"}""");

        var eventId = await EventIdOf(site);
        await Eventually.TrueAsync(async () => (await fixture.DeliveryOf(eventId, "intercom"))?.GetString("Status") == "Delivered",
            "the call after the timeout is delivered", TimeSpan.FromSeconds(20));
        Assert.Equal(2, (await fixture.DeliveryOf(eventId, "intercom"))!.GetInt32("Attempts"));
    }

    [Fact]
    public async Task A_permanent_Intercom_refusal_is_recorded_with_its_error_and_not_retried()
    {
        var site = PipelineFixture.NewSiteId();
        Intercom.Fail(site, 400, """{"type":"error.list","errors":[{"code":"parameter_invalid","message":"bad attribute"}]}""");

        await Host.PostJsonAsync("api/push/cart_recovered", $$"""{"site_id":"{{site}}","cart_recovered":"4"}""");

        var eventId = await EventIdOf(site);
        await Eventually.TrueAsync(async () => (await fixture.DeliveryOf(eventId, "intercom"))?.GetString("Status") == "Failed",
            "the refusal is recorded");
        var delivery = (await fixture.DeliveryOf(eventId, "intercom"))!;
        Assert.Equal(400, delivery.GetInt32("HttpStatus"));
        Assert.Contains("parameter_invalid: bad attribute", delivery.GetString("Error"));
        await Eventually.TrueAsync(() => QueueIsEmpty(SubscriptionQueues.Intercom), "the forwarder completed the message", TimeSpan.FromSeconds(30));
        Assert.Single(Intercom.CompanyCalls(site));
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_dead_lettered_with_its_reason()
    {
        var site = PipelineFixture.NewSiteId();
        Intercom.Fail(site, 503);

        await Host.PostJsonAsync("api/push/cart_recovered", $$"""{"site_id":"{{site}}","cart_recovered":"5"}""");
        var eventId = await EventIdOf(site);

        JsonElement? poisoned = null;
        await Eventually.TrueAsync(async () =>
        {
            foreach (var message in (await Host.Queue(Pipeline.Functions.Hosting.QueueNames.Poison(SubscriptionQueues.Intercom)).PeekMessagesAsync(32)).Value)
            {
                var body = JsonDocument.Parse(message.Body.ToString()).RootElement;
                if (DeadLetterWrapper.Envelope(body).GetProperty("id").GetGuid() == eventId) poisoned = body;
            }
            return poisoned is not null;
        }, "the message reaches the intercom subscription's dead letters", TimeSpan.FromSeconds(30));

        // Four attempts (Retry:MaxAttempts), each a scheduled message, none a redelivery; then the reason.
        var reason = poisoned!.Value.GetProperty("reason").GetString()!;
        Assert.StartsWith("gave up after 4 attempts: ", reason);
        Assert.Contains("503", reason);
        Assert.Equal("ForwardToIntercom", poisoned.Value.GetProperty("function").GetString());
        Assert.Equal(4, Intercom.CompanyCalls(site).Count);
        var delivery = (await fixture.DeliveryOf(eventId, "intercom"))!;
        Assert.Equal("Failed", delivery.GetString("Status"));
        Assert.Equal(4, delivery.GetInt32("Attempts"));
        Assert.Contains("gave up after 4 attempts", delivery.GetString("Error"));
        Assert.Contains("server_error: boom", delivery.GetString("Error"));
        Assert.Single(await fixture.EventsOf(site)); // still in the log, ready for replay
    }

    private async Task<Guid> EventIdOf(string site)
    {
        List<TableEntity> events = [];
        await Eventually.TrueAsync(async () => (events = await fixture.EventsOf(site)).Count == 1, "the event is recorded");
        return Guid.Parse(events[0].RowKey);
    }

    private async Task<bool> QueueIsEmpty(string queue) =>
        (await Host.Queue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0;
}
