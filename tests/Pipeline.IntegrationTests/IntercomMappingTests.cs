using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Pipeline.IntegrationTests;

/// <summary>What Intercom ends up holding: owner contacts, data events, and the newest value of every attribute.</summary>
public sealed class IntercomMappingTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private PipelineHost Host => fixture.Host;
    private IntercomStandIn Intercom => fixture.Intercom;

    [Fact]
    public async Task Dates_money_statuses_and_durations_are_sent_as_the_mapping_table_says()
    {
        var site = PipelineFixture.NewSiteId();
        await Push("account_cancelled", $$"""{"site_id":"{{site}}","account_cancelled":"Thu Feb 18 2016 14:22:45 GMT+0100 (CET)"}""");
        await Push("money_recovered", $$"""{"site_id":"{{site}}","money_recovered":"$ 5000"}""");
        await Push("plugin_deactivated", $$"""{"site_id":"{{site}}"}""");

        // Pushes for one site that arrive together may be merged into one call: check what arrived in all.
        Dictionary<string, JsonElement> sent = [];
        await Eventually.TrueAsync(() => (sent = Intercom.CompanyCalls(site).SelectMany(c => c.GetProperty("custom_attributes").EnumerateObject())
            .GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.Last().Value)).Count == 4, "all four attributes arrived");
        Assert.Equal(new DateTimeOffset(2016, 2, 18, 13, 22, 45, TimeSpan.Zero).ToUnixTimeSeconds(), sent["account_cancelled_at"].GetInt64());
        Assert.Equal(5000, sent["money_recovered"].GetDecimal());
        Assert.Equal("USD", sent["money_recovered_currency"].GetString());
        Assert.False(sent["plugin_active"].GetBoolean());
    }

    [Fact]
    public async Task Sign_up_creates_the_owner_contact_attaches_it_and_later_pushes_record_events_on_it()
    {
        var site = PipelineFixture.NewSiteId();
        Intercom.Answer("/contacts", "POST", 200, $$"""{"type":"contact","id":"owner-{{site}}"}""", priority: 10);
        Intercom.Server.Given(Request.Create().WithPath("/contacts").UsingPost().WithBody(b => b?.Contains(site) == true))
            .AtPriority(5)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody($$"""{"type":"contact","id":"owner-{{site}}"}"""));

        await Push("signup_started", $$"""{"site_id":"{{site}}","email":"{{site}}@doe.com","domain":"http://john-doe.com","signup_started":"2016-02-18T13:22:45Z"}""");
        await Eventually.TrueAsync(() => Intercom.Calls("POST", $"/contacts/owner-{site}/companies").Count == 1, "the owner is attached");

        var created = Intercom.Calls("POST", "/contacts").Single(c => c.Path == "/contacts" && c.Body.GetProperty("email").GetString() == $"{site}@doe.com");
        Assert.Equal("user", created.Body.GetProperty("role").GetString());
        Assert.Equal("6f1e", Intercom.Calls("POST", $"/contacts/owner-{site}/companies")[0].Body.GetProperty("id").GetString());
        var search = Intercom.Calls("POST", "/contacts/search").Last(c => c.Body.ToString().Contains(site)).Body.GetProperty("query");
        Assert.Equal("email", search.GetProperty("field").GetString());

        await Push("cart_recovered", $$"""{"site_id":"{{site}}","cart_recovered":"25"}""");
        await Eventually.TrueAsync(() => EventsFor($"owner-{site}").Count == 2, "both pushes are data events on the owner");
        var cart = EventsFor($"owner-{site}").Single(e => e.GetProperty("event_name").GetString() == "cart_recovered");
        Assert.Equal(25, cart.GetProperty("metadata").GetProperty("cart_recovered").GetInt32());
        Assert.True(cart.GetProperty("created_at").GetInt64() > 1_700_000_000);
        var signup = EventsFor($"owner-{site}").Single(e => e.GetProperty("event_name").GetString() == "signup_started");
        Assert.Equal(1455801765, signup.GetProperty("metadata").GetProperty("signup_started_date").GetInt64());
    }

    [Fact]
    public async Task Sign_up_end_updates_the_contact_found_by_email_with_its_name()
    {
        var site = PipelineFixture.NewSiteId();
        Intercom.Server.Given(Request.Create().WithPath("/contacts/search").UsingPost().WithBody(b => b?.Contains(site) == true))
            .AtPriority(5)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody($$"""{"type":"list","data":[{"id":"found-{{site}}"}],"total_count":1}"""));

        await Push("signup_ended", $$"""{"site_id":"{{site}}","name":"John Doe","platform":"WooCommerce","sender_email":"{{site}}@doe.com","time_spent_on_registration":"5m35s","signup_ended":"Thu Feb 18 2016 14:22:45 GMT+0100 (CET)"}""");

        await Eventually.TrueAsync(() => Intercom.Calls("PUT", $"/contacts/found-{site}").Count == 1, "the found contact is updated");
        Assert.Equal("John Doe", Intercom.Calls("PUT", $"/contacts/found-{site}")[0].Body.GetProperty("name").GetString());
        Assert.DoesNotContain(Intercom.Calls("POST", "/contacts"), c => c.Path == "/contacts" && c.Body.ToString().Contains(site));
        await Eventually.TrueAsync(() => Intercom.CompanyCalls(site).Count == 1, "the company is updated");
        var company = Intercom.CompanyCalls(site)[0];
        Assert.Equal(335, company.GetProperty("custom_attributes").GetProperty("time_spent_on_registration").GetDouble());
        // The owner's name is the contact's; the company keeps its own name.
        Assert.False(company.GetProperty("custom_attributes").TryGetProperty("name", out _));
        Assert.False(company.TryGetProperty("name", out _));
        Assert.Equal("WooCommerce", company.GetProperty("custom_attributes").GetProperty("platform").GetString());
    }

    [Fact]
    public async Task A_409_from_a_lagging_search_index_is_retried_until_the_contact_is_found()
    {
        var site = PipelineFixture.NewSiteId();
        var scenario = "lagging-" + site;
        Intercom.Server.Given(Request.Create().WithPath("/contacts").UsingPost().WithBody(b => b?.Contains(site) == true))
            .AtPriority(5).InScenario(scenario).WillSetStateTo("indexed")
            .RespondWith(Response.Create().WithStatusCode(409).WithBody("""{"type":"error.list","errors":[{"code":"conflict","message":"A contact matching those details already exists with id=x"}]}"""));
        Intercom.Server.Given(Request.Create().WithPath("/contacts/search").UsingPost().WithBody(b => b?.Contains(site) == true))
            .AtPriority(5).InScenario(scenario).WhenStateIs("indexed")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody($$"""{"type":"list","data":[{"id":"late-{{site}}"}],"total_count":1}"""));

        await Push("signup_started", $$"""{"site_id":"{{site}}","email":"{{site}}@doe.com","domain":"d.com","signup_started":"2016-02-18"}""");

        await Eventually.TrueAsync(() => Intercom.Calls("POST", $"/contacts/late-{site}/companies").Count == 1,
            "the retry finds the contact and attaches it");
    }

    [Fact]
    public async Task An_older_event_never_overwrites_a_newer_value()
    {
        var site = PipelineFixture.NewSiteId();
        var newer = Envelope(site, 10, DateTimeOffset.UtcNow);
        var older = Envelope(site, 5, DateTimeOffset.UtcNow.AddMinutes(-5));

        await Host.Queue(SubscriptionQueues.Intercom).SendMessageAsync(newer.ToJson().GetRawText());
        await Eventually.TrueAsync(async () => (await fixture.DeliveryOf(newer.Id, "intercom"))?.GetString("Status") == "Delivered", "newer delivered");
        await Host.Queue(SubscriptionQueues.Intercom).SendMessageAsync(older.ToJson().GetRawText()); // a late redelivery of an older push
        await Eventually.TrueAsync(async () => (await fixture.DeliveryOf(older.Id, "intercom"))?.GetString("Status") == "Delivered", "older settled");

        Assert.Equal([10], Intercom.CompanyCalls(site).Select(c => c.GetProperty("custom_attributes").GetProperty("cart_recovered").GetInt32()));
    }

    [Fact]
    public async Task Updates_for_one_company_waiting_together_merge_into_fewer_calls_and_the_newest_wins()
    {
        var site = PipelineFixture.NewSiteId();
        Intercom.Server.Given(Request.Create().WithPath("/companies").UsingPost().WithBody(b => b?.Contains(site) == true))
            .AtPriority(5)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"type":"company","id":"slow"}""").WithDelay(400));
        var start = DateTimeOffset.UtcNow;
        // Arrival order is the reverse of event order: the newest event (value 7) is sent first.
        var envelopes = Enumerable.Range(0, 8).Select(i => Envelope(site, i, start.AddSeconds(i))).Reverse().ToList();

        await Task.WhenAll(envelopes.Select(e => Host.Queue(SubscriptionQueues.Intercom).SendMessageAsync(e.ToJson().GetRawText())));

        foreach (var envelope in envelopes)
            await Eventually.TrueAsync(async () => (await fixture.DeliveryOf(envelope.Id, "intercom"))?.GetString("Status") == "Delivered",
                "every update is delivered");
        var values = Intercom.CompanyCalls(site).Select(c => c.GetProperty("custom_attributes").GetProperty("cart_recovered").GetInt32()).ToList();
        Assert.True(values.Count < envelopes.Count, $"merged into fewer calls: {string.Join(",", values)}");
        Assert.Equal(7, values[^1]);
        Assert.Equal(values.OrderBy(v => v), values); // never a step back
    }

    private async Task Push(string segment, string body)
    {
        var response = await Host.PostJsonAsync("api/push/" + segment, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private List<JsonElement> EventsFor(string contactId) =>
        Intercom.Calls("POST", "/events").Select(c => c.Body).Where(b => b.GetProperty("id").GetString() == contactId).ToList();

    private static EventEnvelope Envelope(string site, int value, DateTimeOffset receivedAt) =>
        new(Guid.CreateVersion7(receivedAt), "push.cart_recovered", "test", Subjects.Site(site), receivedAt,
            JsonDocument.Parse($$"""{"site_id":"{{site}}","cart_recovered":{{value}}}""").RootElement);
}
