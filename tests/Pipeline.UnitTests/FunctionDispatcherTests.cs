using System.Text.Json;
using Azure;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Messaging;
using Pipeline.Functions.Storage;

namespace Pipeline.UnitTests;

/// <summary>The retry model, as the dispatcher applies it to every queue-triggered function in both hosts.</summary>
public sealed class FunctionDispatcherTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly List<(string Entity, OutgoingMessage Message)> _sent = [];

    private FunctionDispatcher Dispatcher(IFunction function, RetryOptions? retry = null, StorageReadiness? readiness = null)
    {
        var publisher = new Mock<IMessagePublisher>();
        publisher.Setup(p => p.SendAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<OutgoingMessage>>(), It.IsAny<CancellationToken>()))
            .Callback<string, IReadOnlyList<OutgoingMessage>, CancellationToken>((entity, messages, _) =>
            {
                foreach (var message in messages) _sent.Add((entity, message));
            })
            .Returns(Task.CompletedTask);
        return TestDispatcher.Create([function], publisher.Object, retry ?? new RetryOptions { MaxAttempts = 3 }, readiness ?? Ready(), _clock);
    }

    private static Mock<IFunction> Subscriber(string name, Exception? failure = null, Action<Invocation>? seen = null)
    {
        var function = new Mock<IFunction>();
        function.SetupGet(f => f.Definition).Returns(new FunctionBindings(name, new MessageTrigger("recorded") { Subscription = "intercom" }, []));
        var setup = function.Setup(f => f.InvokeAsync(It.IsAny<Invocation>(), It.IsAny<CancellationToken>()))
            .Callback<Invocation, CancellationToken>((i, _) => seen?.Invoke(i));
        if (failure is null) setup.ReturnsAsync(FunctionResult.Done());
        else setup.ThrowsAsync(failure);
        return function;
    }

    private static Invocation Message(string name, Dictionary<string, string>? properties = null) => new()
    {
        FunctionName = name,
        Message = """{"id":"e1","type":"push.cart_recovered"}""",
        MessageId = "e1",
        Properties = properties ?? new Dictionary<string, string>(),
    };

    [Fact]
    public async Task A_failure_that_is_not_worth_retrying_fails_the_invocation_so_the_broker_redelivers_it()
    {
        var function = Subscriber("Boom", new InvalidOperationException("a bug"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Dispatcher(function.Object).RunAsync(function.Object, Message("Boom"), CancellationToken.None));

        Assert.Equal("a bug", error.Message);
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task A_transient_failure_completes_the_message_and_schedules_the_next_attempt_for_this_subscription_only()
    {
        var function = Subscriber("Forward", new RetryLaterException("Intercom answered 500"));

        await Dispatcher(function.Object).RunAsync(function.Object, Message("Forward"), CancellationToken.None);

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
        var function = Subscriber("Forward", new RetryLaterException("down"));
        var properties = new Dictionary<string, string>
        {
            [MessageProperties.Attempt] = "6", [MessageProperties.Copy] = "5", [MessageProperties.RetryOf] = "e1",
            [MessageProperties.FirstAttemptAt] = Now.AddMinutes(-5).ToString("O"), [MessageProperties.To] = "intercom",
        };

        await Dispatcher(function.Object, new RetryOptions { MaxAttempts = 10 })
            .RunAsync(function.Object, Message("Forward", properties), CancellationToken.None);

        var retry = Assert.Single(_sent).Message;
        Assert.Equal(Now.AddSeconds(300), retry.ScheduledFor); // min(300 s, 10 s·2⁵)
        Assert.Equal("7", retry.Properties[MessageProperties.Attempt]);
        Assert.Equal("e1:intercom:6", retry.MessageId);
        Assert.Equal(Now.AddMinutes(-5).ToString("O"), retry.Properties[MessageProperties.FirstAttemptAt]);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_backoff_is_honoured_and_waiting_is_not_an_attempt()
    {
        var function = Subscriber("Forward", new RetryLaterException("Intercom asked to wait", TimeSpan.FromSeconds(120), isAttempt: false));

        await Dispatcher(function.Object).RunAsync(function.Object, Message("Forward"), CancellationToken.None);

        var retry = Assert.Single(_sent).Message;
        Assert.Equal(Now.AddSeconds(120), retry.ScheduledFor);
        Assert.Equal("1", retry.Properties[MessageProperties.Attempt]);
    }

    [Fact]
    public async Task After_the_last_attempt_the_message_is_marked_given_up_with_the_reason_instead_of_scheduled()
    {
        var properties = new Dictionary<string, string> { [MessageProperties.Attempt] = "3", [MessageProperties.RetryOf] = "e1" };
        Invocation? seen = null;
        var function = Subscriber("Forward", new RetryLaterException("Intercom answered 503"), i => seen = i);

        await Dispatcher(function.Object).RunAsync(function.Object, Message("Forward", properties), CancellationToken.None);

        Assert.True(seen!.IsLastAttempt);
        var marked = Assert.Single(_sent).Message;
        Assert.Null(marked.ScheduledFor);
        Assert.Equal("gave up after 3 attempts: Intercom answered 503", marked.Properties[MessageProperties.GaveUp]);
    }

    [Fact]
    public async Task A_message_marked_given_up_fails_every_delivery_without_running_its_function()
    {
        var function = Subscriber("Forward");
        var properties = new Dictionary<string, string> { [MessageProperties.GaveUp] = "gave up after 3 attempts: 503" };

        var error = await Assert.ThrowsAsync<GaveUpException>(() =>
            Dispatcher(function.Object).RunAsync(function.Object, Message("Forward", properties), CancellationToken.None));

        Assert.Equal("gave up after 3 attempts: 503", error.Message);
        function.Verify(f => f.InvokeAsync(It.IsAny<Invocation>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Storage_that_does_not_answer_is_retried_like_a_destination()
    {
        var function = Subscriber("Record", new RequestFailedException(503, "Server busy"));

        await Dispatcher(function.Object).RunAsync(function.Object, Message("Record"), CancellationToken.None);

        Assert.Equal(Now.AddSeconds(10), Assert.Single(_sent).Message.ScheduledFor);
    }

    [Fact]
    public async Task Retries_end_by_age_as_well_as_by_count()
    {
        Invocation? seen = null;
        var function = Subscriber("Forward", new RetryLaterException("down"), i => seen = i);
        var properties = new Dictionary<string, string>
        {
            [MessageProperties.Attempt] = "20", [MessageProperties.FirstAttemptAt] = Now.AddHours(-4).AddMinutes(2).ToString("O"),
        };

        await Dispatcher(function.Object, new RetryOptions()).RunAsync(function.Object, Message("Forward", properties), CancellationToken.None);

        Assert.True(seen!.IsLastAttempt); // the next attempt, 300 s on, would start past 4 hours
        Assert.True(Assert.Single(_sent).Message.Properties.ContainsKey(MessageProperties.GaveUp));
    }

    [Fact]
    public async Task Outputs_are_sent_with_the_envelope_id_as_message_id_and_the_type_as_a_property()
    {
        var output = new QueueOutput("events", "events");
        var function = new Mock<IFunction>();
        function.SetupGet(f => f.Definition).Returns(FunctionBindings.Http("Push", "push/{segment}", ["post"], outputs: output));
        var envelope = JsonDocument.Parse("""{"id":"019","type":"push.emails_sent","subject":"site:42","data":{}}""").RootElement;
        function.Setup(f => f.InvokeAsync(It.IsAny<Invocation>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(FunctionResult.Http(new InvocationResponse(200, "{}")).Send(output, envelope));

        await Dispatcher(function.Object).RunAsync(function.Object, new Invocation { FunctionName = "Push" }, CancellationToken.None);

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
        var function = Subscriber("Waits");
        var readiness = new StorageReadiness();
        var running = Dispatcher(function.Object, readiness: readiness).RunAsync(function.Object, Message("Waits"), CancellationToken.None);

        Assert.False(running.IsCompleted);
        function.Verify(f => f.InvokeAsync(It.IsAny<Invocation>(), It.IsAny<CancellationToken>()), Times.Never);

        readiness.MarkReady();
        await running;
        function.Verify(f => f.InvokeAsync(It.IsAny<Invocation>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public void Two_functions_with_one_name_are_refused()
    {
        Assert.Throws<InvalidOperationException>(() => new FunctionCatalog([Subscriber("Same").Object, Subscriber("same").Object]));
    }
}
