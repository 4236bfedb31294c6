using System.Diagnostics;
using Azure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Pipeline.Functions.Hosting.Worker;
using Pipeline.Functions.Telemetry;

namespace Pipeline.UnitTests;

/// <summary>The middleware around every function, each on the test <c>FunctionContext</c>, and the order the app runs them in.</summary>
public sealed class FunctionMiddlewareTests
{
    /// <summary>The steps the test's functions and middleware went through, in order.</summary>
    public sealed class Steps : List<string>;

    /// <summary>
    /// The functions the middleware run around. Those a test only hands to one middleware never run: the middleware's
    /// next step stands in for them.
    /// </summary>
    public sealed class Functions(Steps steps)
    {
        [Function("Ordered")]
        public void Ordered([ServiceBusTrigger("events")] string message, FunctionContext context)
        {
            steps.Add("function");
            context.GetLogger("Ordered").LogInformation("ran");
        }

        [Function("FailingPush")]
        public HttpResponseData FailingPush([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "push/{segment}")] HttpRequestData req) =>
            throw new InvalidOperationException("token s3cret refused");

        [Function("SpanProbe")]
        public void SpanProbe([ServiceBusTrigger("intercom")] string message) => throw NotRun();

        [Function("Push")]
        public HttpResponseData Push([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "push/{segment}")] HttpRequestData req) =>
            throw NotRun();

        [Function("Health")]
        [WithoutStorageWait]
        public HttpResponseData Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequestData req) =>
            throw NotRun();

        private static InvalidOperationException NotRun() => new("the middleware's next step stands in for the function");
    }

    private static IServiceCollection AddFunctions(IServiceCollection services, Steps? steps = null) =>
        services.AddLogging().AddSingleton(steps ?? new Steps()).AddFunctions<Functions>();

    private static readonly ServiceProvider Declared = AddFunctions(new ServiceCollection()).BuildServiceProvider();

    private static WorkerFunction Function(string name, IServiceProvider? services = null)
    {
        services ??= Declared;
        return WorkerFunction.Of(services.GetServices<FunctionClass>(), services).Single(f => f.Definition.Name == name);
    }

    /// <summary>The test context a middleware is handed, carrying the invocation of the named function.</summary>
    private static TestFunctionContext Context(string name, Invocation? invocation = null, CancellationToken cancellationToken = default)
    {
        var context = new TestFunctionContext(name, cancellationToken: cancellationToken);
        context.Features.Set(new InvocationFeature(Function(name), invocation ?? new Invocation { FunctionName = name }));
        return context;
    }

    private static Invocation PushRequest(string name) => new()
    {
        FunctionName = name,
        Request = new InvocationRequest { Method = "POST", Url = "http://localhost/api/push/emails" },
    };

    [Fact]
    public async Task Middleware_run_in_the_order_they_are_registered_with_the_function_last()
    {
        var steps = new Steps();
        var services = AddFunctions(new ServiceCollection(), steps).AddFunctionPipeline(worker => worker
            .UseMiddleware(async (_, next) => { steps.Add("first in"); await next(); steps.Add("first out"); })
            .UseMiddleware(async (_, next) => { steps.Add("second in"); await next(); steps.Add("second out"); }));
        await using var provider = services.BuildServiceProvider();
        var function = Function("Ordered", provider);
        var invocation = new InvocationFeature(function, new Invocation { FunctionName = "Ordered", Message = "{}" });

        await provider.GetRequiredService<FunctionPipeline>().RunAsync(
            new InvocationFunctionContext(function.WorkerDefinition, invocation, provider, CancellationToken.None));

        Assert.Equal(["first in", "second in", "function", "second out", "first out"], steps);
        Assert.Equal(["ran"], invocation.Result!.Logs);
    }

    [Fact]
    public async Task In_the_apps_order_a_failing_HTTP_function_is_marked_on_its_span_before_its_caller_gets_a_bare_500()
    {
        var stopped = new List<Activity>();
        using var listener = Listen(stopped);
        await using var provider = TestDispatcher.Services(new Mock<IMessagePublisher>().Object, configure: services => AddFunctions(services));
        var dispatcher = provider.GetRequiredService<FunctionDispatcher>();

        var answer = (await dispatcher.RunAsync(PushRequest("FailingPush"))).Response!;

        Activity span;
        lock (stopped) span = Assert.Single(stopped, a => a.DisplayName == "FailingPush");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(nameof(InvalidOperationException), span.StatusDescription);
        Assert.Equal(500, answer.StatusCode);
        Assert.DoesNotContain("s3cret", answer.Body);
    }

    [Fact]
    public async Task The_span_is_current_while_the_function_runs_and_a_failure_is_marked_by_its_type_only()
    {
        var stopped = new List<Activity>();
        using var listener = Listen(stopped);
        var context = Context("SpanProbe", new Invocation
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

        var running = new StorageWaitMiddleware(readiness).Invoke(Context("Push"), _ =>
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

        await new StorageWaitMiddleware(new StorageReadiness()).Invoke(Context("Health"), _ =>
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
        var context = Context("Push");

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
            middleware.Invoke(Context("Push"), _ => throw new RequestFailedException(503, "Server busy")));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            middleware.Invoke(Context("Push", cancellationToken: cancelled.Token), _ => throw new InvalidOperationException("caller left")));
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
