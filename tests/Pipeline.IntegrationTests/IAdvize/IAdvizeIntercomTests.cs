using Pipeline.Functions.IAdvize;
using Pipeline.Functions.Tracking;

namespace Pipeline.IntegrationTests.IAdvize;

/// <summary>iAdvize conversation and satisfaction webhooks about known visitors, as data events on their Intercom contact.</summary>
public sealed class IAdvizeIntercomTests(IAdvizeFixture fixture) : IClassFixture<IAdvizeFixture>
{
    private static string NewEmail() => $"rated-{Guid.NewGuid():N}@example.com";

    /// <summary>A tracked visitor whose iAdvize upsert answered <paramref name="uniqueId"/>.</summary>
    private async Task<string> KnownVisitor(string email, string uniqueId)
    {
        var uid = await fixture.Host.Services.GetRequiredService<TrackingIds>()
            .IssueAsync(IAdvizeFixture.AppKey, TrackingIdKind.Uid, email, null, default);
        fixture.IAdvize.OnCreate(uid, 200, $$"""{"meta":{"status":"success"},"data":{"id":4242,"unique_id":"{{uniqueId}}"} }""");
        var init = await fixture.Host.Client.PostAsync("api/jsapi/init", new StringContent(
            $"appkey={IAdvizeFixture.AppKey}&email={Uri.EscapeDataString(email)}", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.OK, init.StatusCode);
        await Eventually.TrueAsync(async () => (await fixture.Host.Table("IAdvizeVisitors")
            .GetEntityIfExistsAsync<TableEntity>("unique|" + uniqueId, "")).HasValue, "the visitor is linked to its iAdvize unique id");
        return uid;
    }

    private async Task<TableEntity> IntercomDelivery(string responseBody)
    {
        var id = Guid.Parse(JsonDocument.Parse(responseBody).RootElement.GetProperty("id").GetString()!);
        TableEntity? delivery = null;
        await Eventually.TrueAsync(async () => (delivery = await fixture.DeliveryOf(id, "intercom")) is not null
                                               && delivery.GetString("Status") is "Delivered" or "Skipped" or "Failed",
            "the intercom delivery is final");
        return delivery!;
    }

    private IReadOnlyList<JsonElement> EventsWithConversation(int conversationId) =>
        fixture.Intercom.Calls("POST", "/events").Select(c => c.Body)
            .Where(b => b.GetProperty("metadata").TryGetProperty("conversation_id", out var id) && id.GetInt32() == conversationId)
            .ToList();

    [Fact]
    public async Task A_satisfaction_webhook_sent_twice_ends_as_one_Intercom_data_event()
    {
        var email = NewEmail();
        var unique = "u-" + Guid.NewGuid().ToString("N");
        await KnownVisitor(email, unique);
        var conversation = Random.Shared.Next(1_000_000, int.MaxValue);
        var body = IAdvizeFixture.Satisfaction(unique, Guid.NewGuid().ToString(), score: 5, conversationId: conversation);

        var first = await fixture.PostWebhook(body);
        var second = await fixture.PostWebhook(body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("Delivered", (await IntercomDelivery(await first.Content.ReadAsStringAsync())).GetString("Status"));
        await fixture.EventsDrained();
        await Eventually.TrueAsync(async () => (await fixture.Host.Queue(SubscriptionQueues.Intercom).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0,
            "the intercom queue is drained");
        var sent = Assert.Single(EventsWithConversation(conversation));
        Assert.Equal("iadvize-satisfaction-filled", sent.GetProperty("event_name").GetString());
        Assert.Equal(5, sent.GetProperty("metadata").GetProperty("score").GetInt32());
        Assert.Equal(DateTimeOffset.Parse("2017-04-22T09:01:00Z").ToUnixTimeSeconds(), sent.GetProperty("created_at").GetInt64());
        Assert.Equal("contact-new", sent.GetProperty("id").GetString());
        Assert.Contains(fixture.Intercom.Calls("POST", "/contacts"), c => c.Path == "/contacts" && c.Body.GetProperty("email").GetString() == email
                                                                          && c.Body.GetProperty("role").GetString() == "user");
    }

    [Fact]
    public async Task A_closed_conversation_carries_conversation_channel_operator_and_website()
    {
        var unique = "u-" + Guid.NewGuid().ToString("N");
        await KnownVisitor(NewEmail(), unique);
        var conversation = Random.Shared.Next(1_000_000, int.MaxValue);

        var response = await fixture.PostWebhook(IAdvizeFixture.ConversationClosed(unique, Guid.NewGuid().ToString(), conversation));

        Assert.Equal("Delivered", (await IntercomDelivery(await response.Content.ReadAsStringAsync())).GetString("Status"));
        var metadata = Assert.Single(EventsWithConversation(conversation)).GetProperty("metadata");
        Assert.Equal("chat", metadata.GetProperty("channel").GetString());
        Assert.Equal(1, metadata.GetProperty("operator_id").GetInt32());
        Assert.Equal(1, metadata.GetProperty("website_id").GetInt32());
    }

    [Fact]
    public async Task A_webhook_right_after_the_link_is_made_is_delivered_before_the_visitor_index_has_the_email()
    {
        // As the iAdvize destination leaves it when it has linked a visitor and the visitor index (another
        // subscription) has not yet taken the session in: the link, with its email, and no visitor row.
        var email = NewEmail();
        var unique = "u-" + Guid.NewGuid().ToString("N");
        await fixture.Host.Table("IAdvizeVisitors").UpsertEntityAsync(new TableEntity("unique|" + unique, "")
        {
            ["VisitorId"] = "not-indexed-" + Guid.NewGuid().ToString("N"), ["IAdvizeId"] = 4242L, ["Email"] = email,
        });
        var conversation = Random.Shared.Next(1_000_000, int.MaxValue);

        var response = await fixture.PostWebhook(IAdvizeFixture.ConversationClosed(unique, Guid.NewGuid().ToString(), conversation));

        Assert.Equal("Delivered", (await IntercomDelivery(await response.Content.ReadAsStringAsync())).GetString("Status"));
        Assert.Single(EventsWithConversation(conversation));
        Assert.Contains(fixture.Intercom.Calls("POST", "/contacts"), c => c.Path == "/contacts" && c.Body.GetProperty("email").GetString() == email);
    }

    [Fact]
    public async Task A_visitor_found_through_iAdvizes_lookup_right_after_the_link_is_delivered_before_the_visitor_index_has_the_email()
    {
        // As the iAdvize destination leaves it when it has linked a visitor and the visitor index (another
        // subscription) has not yet taken the session in; iAdvize then names that visitor for another unique id.
        var email = NewEmail();
        var uid = "not-indexed-" + Guid.NewGuid().ToString("N");
        await fixture.Host.Services.GetRequiredService<IAdvizeVisitors>()
            .LinkAsync(uid, email, 4242, "u-" + Guid.NewGuid().ToString("N"), default);
        var otherUnique = "u-" + Guid.NewGuid().ToString("N");
        fixture.IAdvize.UniqueIdIs(otherUnique, uid, null);
        var conversation = Random.Shared.Next(1_000_000, int.MaxValue);

        var response = await fixture.PostWebhook(IAdvizeFixture.Satisfaction(otherUnique, Guid.NewGuid().ToString(), 2, conversation));

        Assert.Equal("Delivered", (await IntercomDelivery(await response.Content.ReadAsStringAsync())).GetString("Status"));
        Assert.Single(EventsWithConversation(conversation));
        Assert.Contains(fixture.Intercom.Calls("POST", "/contacts"),
            c => c.Path == "/contacts" && c.Body.TryGetProperty("email", out var sent) && sent.GetString() == email);
    }

    [Fact]
    public async Task A_visitor_found_through_iAdvizes_unique_id_lookup_is_known_too()
    {
        var email = NewEmail();
        var uid = await KnownVisitor(email, "u-" + Guid.NewGuid().ToString("N"));
        var otherUnique = "u-" + Guid.NewGuid().ToString("N"); // e.g. the same person on another device
        fixture.IAdvize.UniqueIdIs(otherUnique, uid, null);
        var conversation = Random.Shared.Next(1_000_000, int.MaxValue);

        var response = await fixture.PostWebhook(IAdvizeFixture.Satisfaction(otherUnique, Guid.NewGuid().ToString(), 2, conversation));

        Assert.Equal("Delivered", (await IntercomDelivery(await response.Content.ReadAsStringAsync())).GetString("Status"));
        Assert.Single(EventsWithConversation(conversation));
        Assert.Contains(fixture.IAdvize.Calls(otherUnique), c => c.Query.GetValueOrDefault("filters[unique_id]") == otherUnique);
    }

    [Fact]
    public async Task A_contact_creation_answered_200_without_json_is_a_failed_delivery_with_the_reason()
    {
        var email = NewEmail();
        var unique = "u-" + Guid.NewGuid().ToString("N");
        await KnownVisitor(email, unique);
        fixture.Intercom.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/contacts").UsingPost().WithBody(b => b?.Contains(email) == true))
            .AtPriority(5)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithBody("not json"));
        var conversation = Random.Shared.Next(1_000_000, int.MaxValue);

        var response = await fixture.PostWebhook(IAdvizeFixture.ConversationClosed(unique, Guid.NewGuid().ToString(), conversation));

        var delivery = await IntercomDelivery(await response.Content.ReadAsStringAsync());
        Assert.Equal("Failed", delivery.GetString("Status"));
        Assert.Contains("POST /contacts: Intercom answered 200 without the contact's id (a body that is not JSON: not json)", delivery.GetString("Error"));
        Assert.Single(fixture.Intercom.Calls("POST", "/contacts"), c => c.Path == "/contacts" && c.Body.ToString().Contains(email));
        Assert.Empty(EventsWithConversation(conversation));
    }

    [Fact]
    public async Task A_unique_id_lookup_answered_200_with_an_empty_body_is_a_failed_delivery_not_an_unknown_visitor()
    {
        var unique = "u-" + Guid.NewGuid().ToString("N");
        fixture.IAdvize.OnLookup(unique, 200, "", filter: "unique_id");

        var response = await fixture.PostWebhook(IAdvizeFixture.Satisfaction(unique, Guid.NewGuid().ToString()));

        var delivery = await IntercomDelivery(await response.Content.ReadAsStringAsync());
        Assert.Equal("Failed", delivery.GetString("Status"));
        Assert.Contains("GET /visitor?filters[unique_id]: iAdvize answered 200 without the meta.status its API documents (an empty body)",
            delivery.GetString("Error"));
    }

    [Fact]
    public async Task An_unknown_visitor_is_kept_and_its_delivery_skipped_with_the_reason()
    {
        var unique = "u-" + Guid.NewGuid().ToString("N");

        var response = await fixture.PostWebhook(IAdvizeFixture.Satisfaction(unique, Guid.NewGuid().ToString()));

        var delivery = await IntercomDelivery(await response.Content.ReadAsStringAsync());
        Assert.Equal("Skipped", delivery.GetString("Status"));
        Assert.Contains(unique, delivery.GetString("Error"));
        Assert.Single(await fixture.EventsOfSubject("iadvize-visitor:" + unique));
    }
}
