using System.Diagnostics;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Messaging;
using Pipeline.Functions.Storage;
using Pipeline.Functions.Telemetry;

namespace Pipeline.UnitTests;

/// <summary>The middleware around every function, each on the test <c>FunctionContext</c>, and the order the app runs them in.</summary>
public sealed class FunctionMiddlewareTests
{
    private static TestFunctionContext Context(FunctionBindings bindings, Invocation? invocation = null,
        Func<Invocation, FunctionResult>? run = null, IServiceProvider? services = null, CancellationToken cancellationToken = default)
    {
        var function = new Mock<IFunction>();
        function.SetupGet(f => f.Definition).Returns(bindings);
        function.Setup(f => f.InvokeAsync(It.IsAny<Invocation>(), It.IsAny<CancellationToken>()))
            .Returns<Invocation, CancellationToken>((i, _) => Task.FromResult((run ?? (_ => FunctionResult.Done()))(i)));
        var context = new TestFunctionContext(bindings.Name, services, cancellationToken: cancellationToken);
        context.Features.Set(new InvocationFeature(function.Object, invocation ?? new Invocation { FunctionName = bindings.Name }));
        return context;
    }

    private static FunctionBindings Http(string name) => FunctionBindings.Http(name, "push/{segment}", ["post"]);

    [Fact]
    public async Task Middleware_run_in_the_order_they_are_registered_with_the_function_last()
    {
        var steps = new List<string>();
        var services = new ServiceCollection().AddFunctionPipeline(worker => worker
            .UseMiddleware(async (_, next) => { steps.Add("first in"); await next(); steps.Add("first out"); })
            .UseMiddleware(async (_, next) => { steps.Add("second in"); await next(); steps.Add("second out"); }));
        await using var provider = services.BuildServiceProvider();
        var context = Context(FunctionBindings.Queue("Ordered", "events"), run: _ =>
        {
            steps.Add("function");
            return FunctionResult.Done().Log("ran");
        }, services: provider);

        await provider.GetRequiredService<FunctionPipeline>().RunAsync(context);

        Assert.Equal(["first in", "second in", "function", "second out", "first out"], steps);
        Assert.Equal(["ran"], context.GetInvocation().Result!.Logs);
    }

    [Fact]
    public async Task In_the_apps_order_a_failing_HTTP_function_is_marked_on_its_span_before_its_caller_gets_a_bare_500()
    {
        var stopped = new List<Activity>();
        using var listener = Listen(stopped);
        await using var provider = TestDispatcher.Services([], new Mock<IMessagePublisher>().Object);
        var context = Context(Http("FailingPush"), run: _ => throw new InvalidOperationException("token s3cret refused"), services: provider);

        await provider.GetRequiredService<FunctionPipeline>().RunAsync(context);

        Activity span;
        lock (stopped) span = Assert.Single(stopped, a => a.DisplayName == "FailingPush");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(nameof(InvalidOperationException), span.StatusDescription);
        var answer = context.GetInvocation().Result!.Response!;
        Assert.Equal(500, answer.StatusCode);
        Assert.DoesNotContain("s3cret", answer.Body);
    }

    [Fact]
    public async Task The_span_is_current_while_the_function_runs_and_a_failure_is_marked_by_its_type_only()
    {
        var stopped = new List<Activity>();
        using var listener = Listen(stopped);
        var context = Context(FunctionBindings.Queue("SpanProbe", "intercom"), new Invocation
        {
            FunctionName = "SpanProbe", Message = """{"id":"e-span","type":"push.cart_recovered"}""", MessageId = "m1",
        });
        Activity? inside = null;

        await Assert.ThrowsAsync<InvalidOperationException>(() => new InvocationSpanMiddleware(NullLogger<InvocationSpanMiddleware>.Instance)
            .Invoke(context, _ =>
            {
                inside = Activity.Current;
                throw new InvalidOperationException("Intercom answered: s3cret");
            }));

        Activity span;
        lock (stopped) span = Assert.Single(stopped, a => a.DisplayName == "SpanProbe");
        Assert.Same(span, inside);
        Assert.Equal(ActivityKind.Consumer, span.Kind);
        Assert.Equal("e-span", span.GetTagItem("pipeline.event.id"));
        Assert.Equal(nameof(InvalidOperationException), span.StatusDescription);
        Assert.DoesNotContain(span.TagObjects, t => t.Value?.ToString()?.Contains("s3cret") == true);
    }

    [Fact]
    public async Task An_invocation_waits_until_storage_is_ready()
    {
        var readiness = new StorageReadiness();
        var ran = false;

        var running = new StorageWaitMiddleware(readiness).Invoke(Context(Http("Waits")), _ =>
        {
            ran = true;
            return Task.CompletedTask;
        });

        Assert.False(ran);
        readiness.MarkReady();
        await running;
        Assert.True(ran);
    }

    [Fact]
    public async Task A_function_marked_without_storage_wait_runs_while_storage_is_not_ready()
    {
        var ran = false;

        await new StorageWaitMiddleware(new StorageReadiness()).Invoke(Context(Http("Health") with { WaitsForStorage = false }), _ =>
        {
            ran = true;
            return Task.CompletedTask;
        });

        Assert.True(ran);
    }

    [Fact]
    public async Task An_unexpected_exception_of_an_HTTP_function_is_logged_with_its_detail_and_answered_500_without_it()
    {
        var logs = new RecordingLogger<HttpExceptionAnswerMiddleware>();
        var context = Context(Http("Push"));

        await new HttpExceptionAnswerMiddleware(logs).Invoke(context, _ => throw new InvalidOperationException("key s3cret at /srv/app"));

        var answer = context.GetInvocation().Result!.Response!;
        Assert.Equal(500, answer.StatusCode);
        Assert.Equal("""{"code":"500","message":"internal error; nothing was accepted"}""", answer.Body);
        var (level, exception) = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Error, level);
        Assert.Equal("key s3cret at /srv/app", exception?.Message);
    }

    [Fact]
    public async Task Storage_that_does_not_answer_and_a_cancelled_invocation_go_on_to_the_host()
    {
        var middleware = new HttpExceptionAnswerMiddleware(NullLogger<HttpExceptionAnswerMiddleware>.Instance);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAsync<RequestFailedException>(() =>
            middleware.Invoke(Context(Http("Push")), _ => throw new RequestFailedException(503, "Server busy")));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            middleware.Invoke(Context(Http("Push"), cancellationToken: cancelled.Token), _ => throw new InvalidOperationException("caller left")));
    }

    private static ActivityListener Listen(List<Activity> stopped)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == PipelineTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) stopped.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private sealed class RecordingLogger<T> : ILogger<T>
    {
        public List<(LogLevel Level, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) => Entries.Add((logLevel, exception));
    }
}
