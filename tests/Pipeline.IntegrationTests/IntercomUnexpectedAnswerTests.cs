using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Pipeline.IntegrationTests;

/// <summary>
/// Intercom answering a success whose body lacks what the call must return: the delivery is recorded as Failed,
/// without a retry, with a reason naming the call and what was missing, and the message never reaches the poison
/// queue. (Before, such an answer threw out of the delivery, which then sat out its lease and was dead-lettered.)
/// </summary>
public sealed class IntercomUnexpectedAnswerTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private PipelineHost Host => fixture.Host;
    private IntercomStandIn Intercom => fixture.Intercom;

    [Theory]
    [InlineData("", "an empty body")]
    [InlineData("not json", "a body that is not JSON: not json")]
    [InlineData("{}", "body {}")]
    [InlineData("""{"type":"contact","id":null}""", "\"id\":null")]
    [InlineData("""[{"id":"c1"}]""", "a JSON array, not an object")]
    public async Task A_contact_creation_answered_200_without_the_contacts_id_is_refused_at_once(string body, string shape)
    {
        var site = PipelineFixture.NewSiteId();
        AnswerFor("/contacts", site, body);

        await SignupStarted(site);

        var delivery = await FailedDelivery(site);
        var error = delivery.GetString("Error");
        Assert.Contains("POST /contacts: Intercom answered 200 without the contact's id", error);
        Assert.Contains(shape, error);
        Assert.Equal(200, delivery.GetInt32("HttpStatus"));
        await NothingLeftInFlight();
        // Not retried once refused: one creation call, whatever attempts a slow machine needed before it.
        Assert.Single(Intercom.Calls("POST", "/contacts"), c => c.Path == "/contacts" && c.Body.ToString().Contains(site));
        await NothingPoisoned();
    }

    [Theory]
    [InlineData("", "without the search's data list (an empty body)")]
    [InlineData("not json", "without the search's data list (a body that is not JSON")]
    [InlineData("{}", "without the search's data list (body {})")]
    [InlineData("""{"type":"list","data":[{"email":"x@doe.com"}],"total_count":1}""", "with a contact without its id")]
    public async Task A_contact_search_answered_200_without_its_list_or_ids_is_refused_and_nothing_is_created(string body, string missing)
    {
        var site = PipelineFixture.NewSiteId();
        AnswerFor("/contacts/search", site, body);

        await SignupStarted(site);

        var error = (await FailedDelivery(site)).GetString("Error");
        Assert.Contains("POST /contacts/search: Intercom answered 200 " + missing, error);
        await NothingLeftInFlight();
        // An unreadable search is not "no such contact": creating one then could make the owner twice.
        Assert.DoesNotContain(Intercom.Calls("POST", "/contacts"), c => c.Path == "/contacts" && c.Body.ToString().Contains(site));
        await NothingPoisoned();
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    public async Task A_company_upsert_answered_200_with_an_unreadable_body_is_delivered(string body)
    {
        // POST /companies upserts by our company_id: a 2xx means the attributes are in, whatever its body.
        var site = PipelineFixture.NewSiteId();
        AnswerFor("/companies", site, body);

        var response = await Host.PostJsonAsync("api/push/cart_recovered", $$"""{"site_id":"{{site}}","cart_recovered":"3"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var eventId = await EventIdOf(site);
        await Eventually.TrueAsync(async () => (await fixture.DeliveryOf(eventId, "intercom"))?.GetString("Status") == "Delivered",
            "the update is recorded as delivered");
        await NothingLeftInFlight();
        await NothingPoisoned();
    }

    /// <summary>The stand-in answers 200 with <paramref name="body"/> to POSTs on <paramref name="path"/> about this site only.</summary>
    private void AnswerFor(string path, string site, string body) =>
        Intercom.Server.Given(Request.Create().WithPath(path).UsingPost().WithBody(b => b?.Contains(site) == true))
            .AtPriority(5)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(body));

    private async Task SignupStarted(string site)
    {
        var response = await Host.PostJsonAsync("api/push/signup_started",
            $$"""{"site_id":"{{site}}","email":"{{site}}@doe.com","domain":"http://doe.com","signup_started":"2016-02-18T13:22:45Z"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// The site's intercom delivery once it is Failed. The wait is shorter than the destination's lease (45 s), so an
    /// answer that escaped as an exception (the record held until the lease ran out, then retried) fails it.
    /// </summary>
    private async Task<TableEntity> FailedDelivery(string site)
    {
        var eventId = await EventIdOf(site);
        TableEntity? delivery = null;
        await Eventually.TrueAsync(async () => (delivery = await fixture.DeliveryOf(eventId, "intercom"))?.GetString("Status") == "Failed",
            "the delivery is recorded as failed");
        return delivery!;
    }

    private async Task<Guid> EventIdOf(string site)
    {
        List<TableEntity> events = [];
        await Eventually.TrueAsync(async () => (events = await fixture.EventsOf(site)).Count == 1, "the event is recorded");
        return Guid.Parse(events[0].RowKey);
    }

    /// <summary>Once the intercom queue holds nothing, visible or not, no delivery of this class can be redelivered.</summary>
    private Task NothingLeftInFlight() => Eventually.TrueAsync(async () =>
        (await Host.Queue(SubscriptionQueues.Intercom).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the intercom queue is drained");

    private async Task NothingPoisoned()
    {
        var poison = Host.Queue(Pipeline.Functions.Hosting.QueueNames.Poison(SubscriptionQueues.Intercom));
        Assert.True(!(await poison.ExistsAsync()).Value || (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0,
            "intercom-poison is empty");
    }
}
