using Microsoft.Azure.Functions.Worker;
using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.Hosting.Worker;
using Pipeline.Functions.Pipeline;

namespace Pipeline.UnitTests;

/// <summary>
/// A consumer's subscription is declared in its module and read by a [Function] of its own, which hands each message
/// to the subscription's routes; the app does not start when the two do not match.
/// </summary>
public sealed class SubscriptionFunctionsTests
{
    public sealed class SeenPushes : IEventHandler<PushReceived>
    {
        public List<(PushReceived Push, Invocation Delivery)> Seen { get; } = [];

        public Task<FunctionResult> HandleAsync(PushReceived push, EventEnvelope envelope, Invocation invocation,
            CancellationToken cancellationToken)
        {
            Seen.Add((push, invocation));
            return Task.FromResult(FunctionResult.Done().Log($"handled {envelope.Id}"));
        }
    }

    public sealed class ReadJobs(EventSubscriptions subscriptions)
    {
        [Function("ReadJobs")]
        public Task Run([ServiceBusTrigger(EventSubscription.Topic, "jobs")] string message, FunctionContext context) =>
            subscriptions.HandleAsync("jobs", message, context);
    }

    /// <summary>A second reader of the Intercom forwarder's subscription.</summary>
    public sealed class ReadIntercomToo(EventSubscriptions subscriptions)
    {
        [Function("ReadIntercomToo")]
        public Task Run([ServiceBusTrigger(EventSubscription.Topic, "intercom")] string message, FunctionContext context) =>
            subscriptions.HandleAsync("intercom", message, context);
    }

    private sealed class NoProjection : IEventProjection<PushReceived>
    {
        public Task ProjectAsync(PushReceived @event, EventEnvelope envelope, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static string Message(string type) => new EventEnvelope(Guid.CreateVersion7(), type, "test", Subjects.Site("s1"),
        DateTimeOffset.Parse("2024-03-02T10:00:00Z"), JsonDocument.Parse("""{"site_id":"s1","cart_recovered":2}""").RootElement)
        .ToJson().GetRawText();

    private static (WorkerFunction Function, SeenPushes Handler) JobsReader()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddEventSubscription("jobs").AddSubscription<PushReceived, SeenPushes>();
        services.AddFunctions<ReadJobs>();
        var provider = services.BuildServiceProvider();
        return (WorkerFunction.Of(provider.GetServices<FunctionClass>(), provider).Single(), provider.GetRequiredService<SeenPushes>());
    }

    [Fact]
    public async Task The_function_hands_an_event_to_its_types_handler_with_the_messages_attempt_and_properties()
    {
        var (function, handler) = JobsReader();
        var message = Message("push.cart_recovered");

        var result = await function.InvokeAsync(new Invocation
        {
            FunctionName = "ReadJobs",
            Message = message,
            DeliveryCount = 2,
            MessageId = "m-1",
            Properties = new Dictionary<string, string> { ["requeued"] = "true" },
            Attempt = 3,
            IsLastAttempt = true,
        }, CancellationToken.None);

        var (push, delivery) = Assert.Single(handler.Seen);
        Assert.Equal("s1", push.SiteId);
        Assert.Equal(2d, push.CartsRecovered);
        Assert.Equal((message, 2, "m-1", 3, true), (delivery.Message, delivery.DeliveryCount, delivery.MessageId, delivery.Attempt, delivery.IsLastAttempt));
        Assert.Equal("true", delivery.Properties["requeued"]);
        Assert.Equal([$"handled {EventEnvelope.Parse(message).Id}"], result.Logs);
    }

    [Fact]
    public async Task An_event_of_a_type_the_subscription_does_not_read_is_logged_and_left()
    {
        var (function, handler) = JobsReader();
        var message = Message("tracking.web.init"); // a replay or requeue addressed to it may carry any type

        var result = await function.InvokeAsync(new Invocation { FunctionName = "ReadJobs", Message = message }, CancellationToken.None);

        Assert.Empty(handler.Seen);
        Assert.Equal([$"tracking.web.init {EventEnvelope.Parse(message).Id}: nothing for jobs"], result.Logs);
    }

    private static InvalidOperationException StartFails(Action<IServiceCollection> add) =>
        Assert.Throws<InvalidOperationException>(() => PipelineApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });
            add(builder.Services);
        }));

    [Fact]
    public void The_app_does_not_start_with_a_subscription_no_function_reads()
    {
        var failure = StartFails(services => services.AddProjection("orphans").AddSubscription<PushReceived, NoProjection>());

        Assert.Contains("the subscription 'orphans' is read by no function", failure.Message);
        Assert.Contains("""[ServiceBusTrigger("recorded", "orphans")]""", failure.Message);
    }

    [Fact]
    public void The_app_does_not_start_with_a_function_reading_a_subscription_no_module_declares()
    {
        var failure = StartFails(services => services.AddFunctions<ReadJobs>());

        Assert.Contains("ReadJobs read(s) the subscription 'jobs', which no module declares", failure.Message);
    }

    [Fact]
    public void The_app_does_not_start_with_two_functions_reading_one_subscription()
    {
        var failure = StartFails(services => services.AddFunctions<ReadIntercomToo>());

        Assert.Contains("the subscription 'intercom' is read by ForwardToIntercom and ReadIntercomToo", failure.Message);
    }
}
