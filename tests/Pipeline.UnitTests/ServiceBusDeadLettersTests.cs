using Azure;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Moq;
using Pipeline.Functions.Health;
using Pipeline.Functions.Operations;

namespace Pipeline.UnitTests;

/// <summary>
/// Service Bus dead letters through the SDK's own client types, mocked as the SDK's mocking guide shows: what is
/// listed, what a requeue sends where, and that nothing is completed that was not sent.
/// </summary>
public sealed class ServiceBusDeadLettersTests
{
    private static readonly MessagingEntity Intercom = new("intercom");
    private static readonly MessagingEntity IntercomSubscription = new("events", "intercom");

    private readonly Mock<ServiceBusClient> _client = new();
    private readonly Mock<ServiceBusReceiver> _receiver = new();
    private readonly Mock<ServiceBusSender> _sender = new();
    private readonly Mock<ServiceBusAdministrationClient> _administration = new();
    private readonly List<string> _calls = [];
    private readonly List<ServiceBusMessage> _sent = [];

    public ServiceBusDeadLettersTests()
    {
        _client.Setup(c => c.CreateReceiver(It.IsAny<string>(), It.Is<ServiceBusReceiverOptions>(o => o.SubQueue == SubQueue.DeadLetter)))
            .Returns(_receiver.Object);
        _client.Setup(c => c.CreateReceiver(It.IsAny<string>(), It.IsAny<string>(), It.Is<ServiceBusReceiverOptions>(o => o.SubQueue == SubQueue.DeadLetter)))
            .Returns(_receiver.Object);
        _client.Setup(c => c.CreateSender(It.IsAny<string>())).Returns(_sender.Object);
        _sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
            .Callback<ServiceBusMessage, CancellationToken>((m, _) =>
            {
                _calls.Add("send " + m.MessageId);
                _sent.Add(m);
            })
            .Returns(Task.CompletedTask);
        _receiver.Setup(r => r.CompleteMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<CancellationToken>()))
            .Callback<ServiceBusReceivedMessage, CancellationToken>((m, _) => _calls.Add("complete " + m.MessageId))
            .Returns(Task.CompletedTask);
        _receiver.Setup(r => r.AbandonMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<IDictionary<string, object>>(), It.IsAny<CancellationToken>()))
            .Callback<ServiceBusReceivedMessage, IDictionary<string, object>, CancellationToken>((m, _, _) => _calls.Add("abandon " + m.MessageId))
            .Returns(Task.CompletedTask);
    }

    private ServiceBusDeadLetters DeadLetters() => new(_client.Object, new ServiceBusBacklog(_administration.Object));

    private static ServiceBusReceivedMessage DeadLetter(string messageId, Guid eventId, string reason = "MaxDeliveryCountExceeded",
        string description = "Message could not be consumed after 10 delivery attempts.", IDictionary<string, object>? extra = null)
    {
        var properties = new Dictionary<string, object>
        {
            ["DeadLetterReason"] = reason,
            ["DeadLetterErrorDescription"] = description,
            ["type"] = "push.cart_recovered",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, object>()) properties[key] = value;
        var envelope = $$$"""{"id":"{{{eventId}}}","type":"push.cart_recovered","subject":"site:42","data":{"cart_recovered":25}}""";
        return ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString(envelope), messageId: messageId, subject: "push.cart_recovered",
            properties: properties, lockTokenGuid: Guid.NewGuid(), deliveryCount: 10, sequenceNumber: 7,
            enqueuedTime: new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero));
    }

    private void Receives(params ServiceBusReceivedMessage[] messages) =>
        _receiver.SetupSequence(r => r.ReceiveMessagesAsync(It.IsAny<int>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(messages)
            .ReturnsAsync([]);

    private void CountsDeadLetters(long count) =>
        _administration.Setup(a => a.GetQueueRuntimePropertiesAsync("intercom", It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response.FromValue(ServiceBusModelFactory.QueueRuntimeProperties("intercom", deadLetterMessageCount: count),
                Mock.Of<Response>()));

    [Fact]
    public async Task The_list_peeks_the_dead_letter_subqueue_and_shows_reason_description_and_event()
    {
        var eventId = Guid.CreateVersion7();
        _receiver.Setup(r => r.PeekMessagesAsync(32, null, It.IsAny<CancellationToken>()))
            .ReturnsAsync([DeadLetter("m1", eventId)]);
        CountsDeadLetters(57);

        var listed = await DeadLetters().ListAsync(Intercom, 32, CancellationToken.None);

        _client.Verify(c => c.CreateReceiver("intercom", It.Is<ServiceBusReceiverOptions>(o => o.SubQueue == SubQueue.DeadLetter)));
        Assert.Equal("intercom", listed.Queue);
        Assert.Equal("intercom/$deadletterqueue", listed.DeadLetterQueue);
        Assert.Equal(57, listed.Count); // all of them, not the page peeked
        var message = Assert.Single(listed.Messages);
        Assert.Equal("m1", (string?)message["message_id"]);
        Assert.Equal("MaxDeliveryCountExceeded", (string?)message["reason"]);
        Assert.Equal("Message could not be consumed after 10 delivery attempts.", (string?)message["error_description"]);
        Assert.Equal(10, (int?)message["delivery_count"]);
        Assert.Equal("2026-12-01T08:30:00.000Z", (string?)message["enqueued_at"]);
        Assert.Equal(eventId.ToString(), (string?)message["event_id"]);
        Assert.Equal("push.cart_recovered", (string?)message["event_type"]);
        Assert.Equal("site:42", (string?)message["subject"]);
        Assert.Equal(25, (int?)message["message"]!["data"]!["cart_recovered"]);
        // Listing locks and settles nothing.
        _receiver.Verify(r => r.ReceiveMessagesAsync(It.IsAny<int>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Empty(_calls);
    }

    [Fact]
    public async Task Without_runtime_properties_the_list_counts_what_it_peeked_and_says_so()
    {
        _receiver.Setup(r => r.PeekMessagesAsync(32, null, It.IsAny<CancellationToken>()))
            .ReturnsAsync([DeadLetter("m1", Guid.NewGuid()), DeadLetter("m2", Guid.NewGuid())]);
        _administration.Setup(a => a.GetQueueRuntimePropertiesAsync("intercom", It.IsAny<CancellationToken>()))
            .ThrowsAsync(new UnauthorizedAccessException("Manage claim required"));

        var listed = await DeadLetters().ListAsync(Intercom, 32, CancellationToken.None);

        Assert.Equal(2, listed.Count);
        Assert.Contains("UnauthorizedAccessException", listed.CountNote);
    }

    [Fact]
    public async Task A_subscription_is_read_through_its_topic_and_named_by_its_path()
    {
        _receiver.Setup(r => r.PeekMessagesAsync(32, null, It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _administration.Setup(a => a.GetSubscriptionRuntimePropertiesAsync("events", "intercom", It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response.FromValue(ServiceBusModelFactory.SubscriptionRuntimeProperties("events", "intercom", deadLetterMessageCount: 0),
                Mock.Of<Response>()));

        var listed = await DeadLetters().ListAsync(IntercomSubscription, 32, CancellationToken.None);

        _client.Verify(c => c.CreateReceiver("events", "intercom", It.Is<ServiceBusReceiverOptions>(o => o.SubQueue == SubQueue.DeadLetter)));
        Assert.Equal("events/subscriptions/intercom", listed.Queue);
        Assert.Equal("events/subscriptions/intercom/$deadletterqueue", listed.DeadLetterQueue);
        Assert.Equal(0, listed.Count);
    }

    [Fact]
    public async Task A_requeue_sends_a_copy_under_a_derived_id_then_completes_the_dead_letter_and_releases_the_others()
    {
        var eventId = Guid.CreateVersion7();
        var chosen = DeadLetter("m1", eventId);
        Receives(chosen, DeadLetter("m2", Guid.NewGuid()));

        var answer = await DeadLetters().RequeueAsync(Intercom, new HashSet<string> { "m1" }, CancellationToken.None);

        Assert.Equal(["send m1:requeue-1", "complete m1", "abandon m2"], _calls);
        _client.Verify(c => c.CreateSender("intercom"));
        var copy = Assert.Single(_sent);
        Assert.Equal(chosen.Body.ToString(), copy.Body.ToString());
        Assert.Equal("push.cart_recovered", copy.Subject);
        Assert.Equal("push.cart_recovered", copy.ApplicationProperties["type"]);
        Assert.Equal("m1", copy.ApplicationProperties[ServiceBusDeadLetters.OriginalIdProperty]);
        Assert.Equal(1, copy.ApplicationProperties[ServiceBusDeadLetters.RequeuesProperty]);
        Assert.False(copy.ApplicationProperties.ContainsKey("DeadLetterReason"));
        Assert.False(copy.ApplicationProperties.ContainsKey(ServiceBusDeadLetters.ToProperty)); // a queue has one consumer
        Assert.Equal(1, answer.Requeued);
        Assert.Equal("m1", Assert.Single(answer.MessageIds));
        Assert.Empty(answer.NotFound);
        Assert.Empty(answer.Failed);
    }

    [Fact]
    public async Task A_failed_send_completes_nothing_and_stops_the_requeue()
    {
        Receives(DeadLetter("m1", Guid.NewGuid()), DeadLetter("m2", Guid.NewGuid()));
        _sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ServiceBusException("the namespace is busy", ServiceBusFailureReason.ServiceBusy));

        var answer = await DeadLetters().RequeueAsync(Intercom, null, CancellationToken.None);

        _receiver.Verify(r => r.CompleteMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<CancellationToken>()), Times.Never);
        _sender.Verify(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(["abandon m1", "abandon m2"], _calls);
        Assert.Equal(0, answer.Requeued);
        var failure = Assert.Single(answer.Failed);
        Assert.Equal("m1", failure.MessageId);
        Assert.Contains("the namespace is busy", failure.Error);
    }

    [Fact]
    public async Task A_subscription_dead_letter_goes_back_through_the_topic_addressed_to_that_subscription_only()
    {
        Receives(DeadLetter("m1", Guid.NewGuid()));

        var answer = await DeadLetters().RequeueAsync(IntercomSubscription, null, CancellationToken.None);

        _client.Verify(c => c.CreateReceiver("events", "intercom", It.Is<ServiceBusReceiverOptions>(o => o.SubQueue == SubQueue.DeadLetter)));
        _client.Verify(c => c.CreateSender("events"));
        Assert.Equal("intercom", Assert.Single(_sent).ApplicationProperties[ServiceBusDeadLetters.ToProperty]);
        Assert.Equal(["send m1:requeue-1", "complete m1"], _calls);
        Assert.Equal("events/subscriptions/intercom", answer.Queue);
    }

    [Fact]
    public async Task Ids_that_are_not_dead_lettered_are_reported_not_found_and_nothing_is_sent()
    {
        Receives(DeadLetter("m2", Guid.NewGuid()));

        var answer = await DeadLetters().RequeueAsync(Intercom, new HashSet<string> { "gone" }, CancellationToken.None);

        Assert.Empty(_sent);
        Assert.Equal(["abandon m2"], _calls);
        Assert.Equal(0, answer.Requeued);
        Assert.Equal("gone", Assert.Single(answer.NotFound));
    }

    [Fact]
    public void A_copy_that_dead_lettered_again_is_requeued_under_the_next_id_of_the_original()
    {
        var again = DeadLetter("m1:requeue-1", Guid.NewGuid(), extra: new Dictionary<string, object>
        {
            [ServiceBusDeadLetters.OriginalIdProperty] = "m1",
            [ServiceBusDeadLetters.RequeuesProperty] = 1,
        });

        var copy = ServiceBusDeadLetters.Copy(again, Intercom);

        Assert.Equal("m1:requeue-2", copy.MessageId);
        Assert.Equal(2, copy.ApplicationProperties[ServiceBusDeadLetters.RequeuesProperty]);
        Assert.Equal("m1", copy.ApplicationProperties[ServiceBusDeadLetters.OriginalIdProperty]);
    }

    [Fact]
    public void A_requeued_copy_is_a_first_attempt_again_no_longer_given_up_and_marked_requeued()
    {
        var dead = ServiceBusModelFactory.ServiceBusReceivedMessage(BinaryData.FromString("{}"), messageId: "e1:intercom:4",
            properties: new Dictionary<string, object>
            {
                [Pipeline.Functions.Messaging.MessageProperties.GaveUp] = "gave up after 4 attempts: 503",
                [Pipeline.Functions.Messaging.MessageProperties.Attempt] = "4",
                [Pipeline.Functions.Messaging.MessageProperties.FirstAttemptAt] = "2026-12-03T10:00:00Z",
                [Pipeline.Functions.Messaging.MessageProperties.Type] = "push.cart_recovered",
            });

        var copy = ServiceBusDeadLetters.Copy(dead, new MessagingEntity("recorded", "intercom"));

        Assert.False(copy.ApplicationProperties.ContainsKey(Pipeline.Functions.Messaging.MessageProperties.GaveUp));
        Assert.False(copy.ApplicationProperties.ContainsKey(Pipeline.Functions.Messaging.MessageProperties.Attempt));
        Assert.False(copy.ApplicationProperties.ContainsKey(Pipeline.Functions.Messaging.MessageProperties.FirstAttemptAt));
        Assert.Equal("true", copy.ApplicationProperties[Pipeline.Functions.Messaging.MessageProperties.Requeued]);
        Assert.Equal("intercom", copy.ApplicationProperties[Pipeline.Functions.Messaging.MessageProperties.To]);
        Assert.Equal("push.cart_recovered", copy.ApplicationProperties[Pipeline.Functions.Messaging.MessageProperties.Type]);
    }
}
