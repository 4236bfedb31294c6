using Azure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Pipeline.Functions.Hosting.Worker;

namespace Pipeline.UnitTests;

/// <summary>The retry model, as the dispatcher applies it to every queue-triggered function in both hosts.</summary>
public sealed class FunctionDispatcherTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly List<(string Entity, OutgoingMessage Message)> _sent = [];
    private readonly Deliveries _deliveries = new();

    /// <summary>What the subscriber below does (fails with <see cref="Failure"/>, or not) and the deliveries it was handed.</summary>
    public sealed class Deliveries
    {
        public Exception? Failure { get; set; }

        public List<(string Message, int Attempt, bool IsLastAttempt)> Seen { get; } = [];
    }

    /// <summary>A consumer of a topic's subscription, as a module writes one.</summary>
    public sealed class Subscriber(Deliveries deliveries)
    {
        [Function("Forward")]
        public Task Run([ServiceBusTrigger("recorded", "intercom")] string message, int attempt, bool isLastAttempt)
        {
            deliveries.Seen.Add((message, attempt, isLastAttempt));
            return deliveries.Failure is { } failure ? Task.FromException(failure) : Task.CompletedTask;
        }
    }

    /// <summary>An HTTP function that answers and puts an event on <c>events</c>.</summary>
    public sealed class Push
    {
        public sealed class Accepted
        {
            [HttpResult]
            public required HttpResponseData Response { get; init; }

            [ServiceBusOutput("events")]
            public JsonElement? Event { get; init; }
        }

        [Function("Push")]
        public Accepted Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "push/{segment}")] HttpRequestData req) => new()
        {
            Response = req.CreateResponse(HttpStatusCode.OK),
            Event = JsonDocument.Parse("""{"id":"019","type":"push.emails_sent","subject":"site:42","data":{}}""").RootElement,
        };
    }

    private FunctionDispatcher Dispatcher(Exception? failure = null, RetryOptions? retry = null, StorageReadiness? readiness = null)
    {
        _deliveries.Failure = failure;
        var publisher = new Mock<IMessagePublisher>();
        publisher.Setup(p => p.SendAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<OutgoingMessage>>(), It.IsAny<CancellationToken>()))
            .Callback<string, IReadOnlyList<OutgoingMessage>, CancellationToken>((entity, messages, _) =>
            {
                foreach (var message in messages) _sent.Add((entity, message));
            })
            .Returns(Task.CompletedTask);
        return TestDispatcher.Create(publisher.Object, retry ?? new RetryOptions { MaxAttempts = 3 }, readiness ?? Ready(), _clock,
            services => services.AddSingleton(_deliveries).AddFunctions<Subscriber>().AddFunctions<Push>());
    }

    private static Invocation Message(Dictionary<string, string>? properties = null) => new()
    {
        FunctionName = "Forward",
        Message = """{"id":"e1","type":"push.cart_recovered"}""",
        MessageId = "e1",
        Properties = properties ?? new Dictionary<string, string>(),
    };

    [Fact]
    public async Task A_failure_that_is_not_worth_retrying_fails_the_invocation_so_the_broker_redelivers_it()
    {
        var dispatcher = Dispatcher(new InvalidOperationException("a bug"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.RunAsync(Message()));

        Assert.Equal("a bug", error.Message);
        Assert.Single(_deliveries.Seen);
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task A_transient_failure_completes_the_message_and_schedules_the_next_attempt_for_this_subscription_only()
    {
        await Dispatcher(new RetryLaterException("Intercom answered 500")).RunAsync(Message());

        var (entity, retry) = Assert.Single(_sent);
        Assert.Equal("recorded", entity);
        Assert.Equal(Now.AddSeconds(10), retry.ScheduledFor); // the first backoff: 10 s·2⁰
        Assert.Equal("2", retry.Properties[MessageProperties.Attempt]);
        Assert.Equal("intercom", retry.Properties[MessageProperties.To]);
        Assert.Equal("e1:intercom:1", retry.MessageId); // its own id, so duplicate detection keeps it
        Assert.Equal("""{"id":"e1","type":"push.cart_recovered"}""", retry.Body);
    }

    [Fact]
    public async Task The_backoff_grows_with_the_attempt_up_to_its_cap()
    {
        var properties = new Dictionary<string, string>
        {
            [MessageProperties.Attempt] = "6", [MessageProperties.Copy] = "5", [MessageProperties.RetryOf] = "e1",
            [MessageProperties.FirstAttemptAt] = Now.AddMinutes(-5).ToString("O"), [MessageProperties.To] = "intercom",
        };

        await Dispatcher(new RetryLaterException("down"), new RetryOptions { MaxAttempts = 10 }).RunAsync(Message(properties));

        Assert.Equal(6, Assert.Single(_deliveries.Seen).Attempt);
        var retry = Assert.Single(_sent).Message;
        Assert.Equal(Now.AddSeconds(300), retry.ScheduledFor); // min(300 s, 10 s·2⁵)
        Assert.Equal("7", retry.Properties[MessageProperties.Attempt]);
        Assert.Equal("e1:intercom:6", retry.MessageId);
        Assert.Equal(Now.AddMinutes(-5).ToString("O"), retry.Properties[MessageProperties.FirstAttemptAt]);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_backoff_is_honoured_and_waiting_is_not_an_attempt()
    {
        await Dispatcher(new RetryLaterException("Intercom asked to wait", TimeSpan.FromSeconds(120), isAttempt: false)).RunAsync(Message());

        var retry = Assert.Single(_sent).Message;
        Assert.Equal(Now.AddSeconds(120), retry.ScheduledFor);
        Assert.Equal("1", retry.Properties[MessageProperties.Attempt]);
    }

    [Fact]
    public async Task After_the_last_attempt_the_message_is_marked_given_up_with_the_reason_instead_of_scheduled()
    {
        var properties = new Dictionary<string, string> { [MessageProperties.Attempt] = "3", [MessageProperties.RetryOf] = "e1" };

        await Dispatcher(new RetryLaterException("Intercom answered 503")).RunAsync(Message(properties));

        Assert.True(Assert.Single(_deliveries.Seen).IsLastAttempt);
        var marked = Assert.Single(_sent).Message;
        Assert.Null(marked.ScheduledFor);
        Assert.Equal("gave up after 3 attempts: Intercom answered 503", marked.Properties[MessageProperties.GaveUp]);
    }

    [Fact]
    public async Task A_message_marked_given_up_fails_every_delivery_without_running_its_function()
    {
        var properties = new Dictionary<string, string> { [MessageProperties.GaveUp] = "gave up after 3 attempts: 503" };

        var error = await Assert.ThrowsAsync<GaveUpException>(() => Dispatcher().RunAsync(Message(properties)));

        Assert.Equal("gave up after 3 attempts: 503", error.Message);
        Assert.Empty(_deliveries.Seen);
    }

    [Fact]
    public async Task Storage_that_does_not_answer_is_retried_like_a_destination()
    {
        await Dispatcher(new RequestFailedException(503, "Server busy")).RunAsync(Message());

        Assert.Equal(Now.AddSeconds(10), Assert.Single(_sent).Message.ScheduledFor);
    }

    [Fact]
    public async Task Retries_end_by_age_as_well_as_by_count()
    {
        var properties = new Dictionary<string, string>
        {
            [MessageProperties.Attempt] = "20", [MessageProperties.FirstAttemptAt] = Now.AddHours(-4).AddMinutes(2).ToString("O"),
        };

        await Dispatcher(new RetryLaterException("down"), new RetryOptions()).RunAsync(Message(properties));

        Assert.True(Assert.Single(_deliveries.Seen).IsLastAttempt); // the next attempt, 300 s on, would start past 4 hours
        Assert.True(Assert.Single(_sent).Message.Properties.ContainsKey(MessageProperties.GaveUp));
    }

    [Fact]
    public async Task Outputs_are_sent_with_the_envelope_id_as_message_id_and_the_type_as_a_property()
    {
        await Dispatcher().RunAsync(new Invocation
        {
            FunctionName = "Push",
            Request = new InvocationRequest
            {
                Method = "POST",
                Url = "http://localhost/api/push/emails",
                RouteParams = new Dictionary<string, string> { ["segment"] = "emails" },
            },
        });

        var (entity, sent) = Assert.Single(_sent);
        Assert.Equal("events", entity);
        Assert.Equal("019", sent.MessageId);
        Assert.Equal("push.emails_sent", sent.Properties[MessageProperties.Type]);
        Assert.Equal("site:42", sent.Properties[MessageProperties.Subject]);
    }

    private static StorageReadiness Ready()
    {
        var readiness = new StorageReadiness();
        readiness.MarkReady();
        return readiness;
    }

    [Fact]
    public async Task An_invocation_waits_for_storage_unless_its_function_says_otherwise()
    {
        var readiness = new StorageReadiness();
        var running = Dispatcher(readiness: readiness).RunAsync(Message());

        Assert.False(running.IsCompleted);
        Assert.Empty(_deliveries.Seen);

        readiness.MarkReady();
        await running;
        Assert.Single(_deliveries.Seen);
    }

    [Fact]
    public async Task A_function_that_is_not_a_Function_method_is_refused()
    {
        var handWritten = new Mock<IFunction>();
        handWritten.SetupGet(f => f.Definition).Returns(FunctionBindings.Queue("HandWritten", "recorded"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Dispatcher().RunAsync(handWritten.Object, Message(), CancellationToken.None));

        Assert.StartsWith("HandWritten is not a [Function] method", error.Message);
    }

    /// <summary>A second class declaring a name the subscriber already has, differing only in case.</summary>
    public sealed class SameName
    {
        [Function("forward")]
        public Task Run([ServiceBusTrigger("recorded", "other")] string message) => Task.CompletedTask;
    }

    [Fact]
    public void Two_functions_with_one_name_are_refused()
    {
        var services = new ServiceCollection().AddSingleton(new Deliveries()).AddFunctions<Subscriber>().AddFunctions<SameName>()
            .BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() =>
            new FunctionCatalog(WorkerFunction.Of(services.GetServices<FunctionClass>(), services)));

        Assert.Equal("Two functions are named 'forward'.", error.Message);
    }
}
