using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Microsoft.Azure.Functions.Worker.Http;
using Moq;
using Pipeline.Functions.Health;
using Pipeline.Functions.Operations;

namespace Pipeline.UnitTests;

/// <summary>
/// The dead-letter routes as they answer in Azure, over Service Bus (SDK clients mocked): supported, every queue and
/// subscription listed under the name the requeue route takes, and one entity that cannot be read not hiding the others.
/// </summary>
public sealed class DeadLetterRoutesTests
{
    private static readonly MessagingEntities Entities = new(() => [new MessagingEntity("events", "intercom"), new MessagingEntity("intercom")]);

    private readonly Mock<ServiceBusClient> _client = new();
    private readonly Mock<ServiceBusReceiver> _queueReceiver = new();
    private readonly Mock<ServiceBusReceiver> _subscriptionReceiver = new();
    private readonly Mock<ServiceBusSender> _topicSender = new();

    public DeadLetterRoutesTests()
    {
        _client.Setup(c => c.CreateReceiver("intercom", It.IsAny<ServiceBusReceiverOptions>())).Returns(_queueReceiver.Object);
        _client.Setup(c => c.CreateReceiver("events", "intercom", It.IsAny<ServiceBusReceiverOptions>())).Returns(_subscriptionReceiver.Object);
        _client.Setup(c => c.CreateSender("events")).Returns(_topicSender.Object);
    }

    private IDeadLetters DeadLetters() => new ServiceBusDeadLetters(_client.Object, new ServiceBusBacklog(Mock.Of<ServiceBusAdministrationClient>()));

    private static TestHttpRequestData Request(string method, string path, string body = "") =>
        new(new TestFunctionContext(), method, "http://localhost/api/ops/" + path, Encoding.UTF8.GetBytes(body), []);

    private static JsonNode Body(HttpResponseData response) => JsonNode.Parse(TestHttpResponseData.BodyOf(response))!;

    [Fact]
    public async Task Every_entity_is_listed_and_one_that_cannot_be_read_says_why_without_hiding_the_others()
    {
        _subscriptionReceiver.Setup(r => r.PeekMessagesAsync(32, null, It.IsAny<CancellationToken>()))
            .ReturnsAsync([ServiceBusModelFactory.ServiceBusReceivedMessage(BinaryData.FromString("{}"), messageId: "m1",
                properties: new Dictionary<string, object> { ["DeadLetterReason"] = "MaxDeliveryCountExceeded" })]);
        _queueReceiver.Setup(r => r.PeekMessagesAsync(32, null, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new UnauthorizedAccessException("Listen claim required"));

        var result = await new ListDeadLettersFunction(DeadLetters(), Entities).Run(Request("GET", "dead-letters"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        var body = Body(result);
        Assert.True((bool)body["supported"]!);
        var queues = body["queues"]!.AsArray();
        Assert.Equal(["events/subscriptions/intercom", "intercom"], queues.Select(q => (string)q!["queue"]!));
        Assert.Equal("MaxDeliveryCountExceeded", (string?)queues[0]!["messages"]![0]!["reason"]);
        Assert.Contains("Listen claim required", (string?)queues[1]!["error"]);
        Assert.Empty(queues[1]!["messages"]!.AsArray());
    }

    [Fact]
    public async Task A_subscription_is_requeued_by_the_name_the_list_gives_it()
    {
        _subscriptionReceiver.SetupSequence(r => r.ReceiveMessagesAsync(It.IsAny<int>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([ServiceBusModelFactory.ServiceBusReceivedMessage(BinaryData.FromString("{}"), messageId: "m1")])
            .ReturnsAsync([]);

        var result = await new RequeueDeadLettersFunction(DeadLetters(), Entities)
            .Run(Request("POST", "dead-letters/requeue", """{"queue":"events/subscriptions/intercom"}"""), CancellationToken.None);

        var body = Body(result);
        Assert.Equal(1, (int?)body["requeued"]);
        _topicSender.Verify(s => s.SendMessageAsync(It.Is<ServiceBusMessage>(m => (string)m.ApplicationProperties[Pipeline.Functions.Messaging.MessageProperties.To] == "intercom"),
            It.IsAny<CancellationToken>()));
        _subscriptionReceiver.Verify(r => r.CompleteMessageAsync(It.IsAny<ServiceBusReceivedMessage>(), It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task An_unknown_entity_is_a_400_naming_the_ones_there_are()
    {
        var result = await new RequeueDeadLettersFunction(DeadLetters(), Entities)
            .Run(Request("POST", "dead-letters/requeue", """{"queue":"events"}"""), CancellationToken.None);

        Assert.Equal(HttpStatusCode.BadRequest, result.StatusCode);
        var body = Body(result);
        Assert.Equal("queue", (string?)body["field"]);
        Assert.Contains("events/subscriptions/intercom, intercom", (string?)body["message"]);
    }
}
