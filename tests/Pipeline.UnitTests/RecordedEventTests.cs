using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Pipeline.Functions.Analytics;
using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.IAdvize;
using Pipeline.Functions.Intercom;
using Pipeline.Functions.Pipeline;
using Pipeline.Functions.Tracking;

namespace Pipeline.UnitTests;

/// <summary>
/// The records modules publish their events as: read from what their producer stores, never failing on data it
/// accepted (an unreadable event would fail on every retry), and the subscriptions their consumers declare with them.
/// </summary>
public sealed class RecordedEventTests
{
    private static EventEnvelope Envelope(string type, string subject, string data) =>
        new(Guid.CreateVersion7(), type, "test", subject, DateTimeOffset.Parse("2024-03-02T10:00:00Z"), JsonDocument.Parse(data).RootElement);

    [Fact]
    public void A_push_reads_as_the_push_API_validated_and_stored_it()
    {
        var segment = PushSegments.Find("money_recovered")!;
        var stored = PushValidator.Validate(segment, JsonDocument.Parse("""{"site_id":"s1","money_recovered":"$ 5000"}""").RootElement).Data!.Value;

        var push = PushReceived.Read(new EventEnvelope(Guid.CreateVersion7(), segment.EventType, "test", Subjects.Site("s1"),
            DateTimeOffset.UtcNow, stored));

        Assert.Equal("s1", push.SiteId);
        Assert.Equal(5000, push.MoneyRecovered);
        Assert.Equal("USD", Assert.Single(push.Fields).Currency);
        Assert.Null(push.CartsRecovered);
    }

    [Fact]
    public void A_sign_up_names_its_owner_and_statistics_count_carts_and_emails()
    {
        var started = PushReceived.Read(Envelope("push.signup_started", "site:s1", """{"site_id":"s1","email":"a@example.com"}"""));
        var ended = PushReceived.Read(Envelope("push.signup_ended", "site:s1", """{"site_id":"s1","sender_email":"b@example.com","name":"Bea"}"""));
        var statistics = PushReceived.Read(Envelope("push.statistics", "site:s1", """{"site_id":"s1","carts_recovered":4,"emails_sent":9}"""));

        Assert.Equal(("a@example.com", null), (started.OwnerEmail, started.OwnerName));
        Assert.Equal(("b@example.com", "Bea"), (ended.OwnerEmail, ended.OwnerName));
        Assert.Equal((4d, 9d), (statistics.CartsRecovered, statistics.EmailsSent));
    }

    [Fact]
    public void A_session_start_is_identified_only_when_its_producer_said_so()
    {
        var identified = VisitorSessionStarted.Read(Envelope(TrackingEvents.WebInit, "visitor:u1",
            """{"uid":"u1","identified":true,"email":"a@example.com","appkey":"k"}"""));
        var anonymous = VisitorSessionStarted.Read(Envelope(TrackingEvents.MobileInit, "visitor:m1", """{"mobileId":"m1","identified":"yes"}"""));

        Assert.Equal(new VisitorSessionStarted("k", "u1", true, "a@example.com", null), identified);
        Assert.Equal(new VisitorSessionStarted(null, "m1", false, null, null), anonymous);
    }

    [Fact]
    public void A_sale_is_worth_the_sum_of_its_receipts_and_an_unknown_action_type_is_none()
    {
        var sale = TrackingActionSent.Read(Envelope(TrackingEvents.WebSend, "visitor:u1",
            """{"appkey":"k","actionType":"sale","uType":"c","aditionalData":{"receipts":[{"value":"10.5"},{"value":2},{"name":"x"}]}}"""));
        var odd = TrackingActionSent.Read(Envelope(TrackingEvents.MobileSend, "visitor:m1", """{"appkey":"k","actionType":"dance","uType":"c"}"""));

        Assert.Equal(new TrackingActionSent("k", "sale", 12.5, true), sale with { AdditionalData = null });
        Assert.Equal(3, sale.AdditionalData!.Value.GetProperty("receipts").GetArrayLength());
        Assert.Equal(new TrackingActionSent("k", null, 0, false), odd); // uType c means a web uid only
    }

    [Fact]
    public void IAdvize_ids_read_as_text_whether_sent_as_numbers_or_strings()
    {
        var closed = ConversationClosed.Read(Envelope(IAdvizeEvents.ConversationClosed, "iadvize-visitor:v",
            """{"visitorId":"v","conversationId":42,"channel":"chat","operatorId":"7","websiteId":1234,"createdAt":"2024-03-02T09:00:00Z"}"""));

        Assert.Equal(new ConversationClosed("v", "42", "chat", "7", "1234", DateTimeOffset.Parse("2024-03-02T09:00:00Z")), closed);
    }

    /// <summary>Any JSON at all under every field a record reads: a record never throws, it reads what it can.</summary>
    [Property(MaxTest = 300, Arbitrary = [typeof(JsonValues)])]
    public void Every_record_reads_any_data_without_throwing(JsonValueChoice[] values)
    {
        string[] keys =
        [
            "site_id", "cart_recovered", "money_recovered", "email", "sender_email", "name", "carts_recovered", "emails_sent",
            "trial_ends_at", "uid", "mobileId", "identified", "phone", "appkey", "actionType", "uType", "aditionalData", "entity",
            "entity_id", "stored", "visitorId", "conversationId", "channel", "operatorId", "websiteId", "score", "createdAt",
            "statistics_event_id", "statistics_at", "force",
        ];
        var data = "{" + string.Join(",", keys.Select((k, i) => $"\"{k}\":{values.ElementAtOrDefault(i)?.Json ?? "null"}")) + "}";
        string[] types =
        [
            "push.money_recovered", "push.signup_ended", "push.days_left", "push.statistics", "push.unknown", TrackingEvents.WebInit,
            TrackingEvents.WebSend, "analytics.lead", IAdvizeEvents.ConversationClosed, IAdvizeEvents.SatisfactionFilled,
            StatisticsResent.EventType,
        ];
        foreach (var type in types)
        {
            var envelope = Envelope(type, "site:s1", data);
            _ = PushReceived.Read(envelope) is { } push ? (push.OwnerEmail, push.CartsRecovered, push.MoneyRecovered, push.TrialEndsAt,
                push.Fields.Select(f => (f.Instant, f.Amount, f.Currency, f.Number, f.Text)).ToList()) : default;
            _ = VisitorSessionStarted.Read(envelope);
            _ = TrackingActionSent.Read(envelope);
            _ = AnalyticsEventRecorded.Read(envelope) is { } a ? (a.EventType, a.CustomerId, a.RecordingId) : default;
            _ = ConversationClosed.Read(envelope);
            _ = SatisfactionFilled.Read(envelope);
            _ = StatisticsResent.Read(envelope);
        }
    }

    public sealed record JsonValueChoice(string Json);

    public static class JsonValues
    {
        public static Arbitrary<JsonValueChoice> Values() => Gen.Elements(
                "null", "true", "false", "0", "-1", "1e308", "1.5", "\"\"", "\"x\"", "\"12\"", "\"NaN\"", "\"2024-03-02T10:00:00Z\"",
                "\"not a date\"", "[]", "[1,\"a\",{}]", "{}", "{\"amount\":\"x\",\"currency\":5}", "{\"receipts\":[{\"value\":\"1e400\"}]}",
                "{\"event_type\":\"view\",\"customer_id\":3}")
            .Select(json => new JsonValueChoice(json)).ToArbitrary();
    }

    [Fact]
    public void A_consumer_may_narrow_a_record_to_some_of_its_types_but_not_to_another_records()
    {
        var services = new ServiceCollection();
        var narrowed = services.AddProjection("p").AddSubscription<PushReceived, NoProjection>(GhostMonitorEvents.Statistics);

        Assert.Equal([GhostMonitorEvents.Statistics], narrowed.Subscription.EventTypes);
        Assert.Throws<ArgumentException>(() => services.AddProjection("q").AddSubscription<PushReceived, NoProjection>(TrackingEvents.WebInit));
    }

    private sealed class NoProjection : IEventProjection<PushReceived>
    {
        public Task ProjectAsync(PushReceived @event, EventEnvelope envelope, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
