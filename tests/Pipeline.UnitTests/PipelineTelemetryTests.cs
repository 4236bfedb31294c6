using System.Diagnostics;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Moq;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pipeline.Functions.Telemetry;

namespace Pipeline.UnitTests;

public sealed class PipelineTelemetryTests
{
    [Theory]
    [InlineData("owner jane.doe+tag@example.co.uk refused", "owner [email] refused")]
    [InlineData("email=jane%40example.com&x=1", "email=[email]&x=1")]
    public void Emails_are_scrubbed(string text, string expected) => Assert.Equal(expected, Redaction.Scrub(text));

    [Fact]
    public void Text_without_an_address_is_returned_as_it_is()
    {
        const string text = "push.cart_recovered 01938a5e: Delivered for intercom (company 42: 3 attributes)";
        Assert.Same(text, Redaction.Scrub(text));
    }

    [Theory]
    [InlineData("http://h:1/api/jsapi/init?email=a%40b.com", "http://h:1/api/jsapi/init")]
    [InlineData("http://h/companies#x", "http://h/companies")]
    [InlineData("http://h/companies", "http://h/companies")]
    public void Urls_lose_their_query(string url, string expected) => Assert.Equal(expected, Redaction.WithoutQuery(url));

    [Fact]
    public void A_finished_span_loses_queries_and_addresses_before_any_exporter()
    {
        using var span = new Activity("POST");
        span.SetTag("url.full", "http://h/api/jsapi/init?email=a%40b.com&appkey=k");
        span.SetTag("url.query", "?email=a%40b.com");
        span.SetTag("url.path", "/api/jsapi/init");
        span.SetTag("pipeline.note", "owner jane@example.com");
        span.SetTag("http.response.status_code", 200);
        span.SetStatus(ActivityStatusCode.Error, "refused: jane@example.com is invalid");

        new Redaction.SpanProcessor().OnEnd(span);

        Assert.Equal("http://h/api/jsapi/init", span.GetTagItem("url.full"));
        Assert.Null(span.GetTagItem("url.query"));
        Assert.Equal("/api/jsapi/init", span.GetTagItem("url.path"));
        Assert.Equal("owner [email]", span.GetTagItem("pipeline.note"));
        Assert.Equal(200, span.GetTagItem("http.response.status_code"));
        Assert.Equal("refused: [email] is invalid", span.StatusDescription);
    }

    [Fact]
    public void The_envelope_fields_are_read_from_the_top_level_only()
    {
        var fields = EnvelopeFields.Read("""
            {"data":{"id":"nested","traceparent":"nested"},"id":"e1","type":"push.x","traceparent":"00-abc","schemaVersion":1}
            """);

        Assert.Equal(new EnvelopeFields("e1", "push.x", "00-abc"), fields);
        Assert.Equal(default, EnvelopeFields.Read("not json"));
        Assert.Equal(default, EnvelopeFields.Read("""{"id":"e1","type":"""));
        Assert.Equal(default, EnvelopeFields.Read(null));
    }

    [Fact]
    public async Task A_queue_invocation_is_a_consumer_span_under_the_envelopes_traceparent_with_the_event_in_scope()
    {
        var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == PipelineTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) stopped.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        var seen = new TraceparentSeen();
        var logger = new ScopeRecordingLogger();
        var dispatcher = TestDispatcher.Create(new Mock<Pipeline.Functions.Messaging.IMessagePublisher>().Object,
            configure: services => services.AddSingleton<ILogger<InvocationSpanMiddleware>>(logger)
                .AddSingleton(seen).AddFunctions<Forward>());
        var message = $$"""{"id":"01938a5e-0000-7000-8000-0000000000aa","type":"push.cart_recovered","traceparent":"00-{{parent.TraceId}}-{{parent.SpanId}}-01","data":{} }""";

        await dispatcher.RunAsync(new Invocation { FunctionName = "Forward", Message = message, MessageId = "m1" });

        Activity span;
        lock (stopped) span = Assert.Single(stopped, a => a.DisplayName == "Forward" && a.TraceId == parent.TraceId);
        Assert.Equal(ActivityKind.Consumer, span.Kind);
        Assert.Equal(parent.SpanId, span.ParentSpanId);
        Assert.Equal(span.Id, seen.Inside); // what the function sends on carries its own span
        Assert.Equal("01938a5e-0000-7000-8000-0000000000aa", span.GetTagItem("pipeline.event.id"));
        Assert.Equal("intercom", span.GetTagItem("messaging.destination.name"));
        Assert.Contains(logger.Scopes, s => s.Contains(new KeyValuePair<string, object?>("pipeline.event.id", "01938a5e-0000-7000-8000-0000000000aa")));
    }

    [Fact]
    public async Task Azure_Monitor_and_OTLP_are_set_up_together_from_their_settings()
    {
        // Every endpoint on a closed local port: nothing can leave the machine.
        await using var app = PipelineApp.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            [TelemetrySetup.AzureMonitorSetting] =
                "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:9/;LiveEndpoint=http://127.0.0.1:9/",
            [TelemetrySetup.OtlpEndpointSetting] = "http://127.0.0.1:9",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        }));

        Assert.NotNull(app.Services.GetService<TracerProvider>());
        Assert.NotNull(app.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task With_no_exporter_configured_no_metrics_are_collected()
    {
        await using var app = PipelineApp.Build([], builder => builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }));

        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.NotNull(app.Services.GetService<TracerProvider>()); // spans still carry the trace context
    }

    /// <summary>The trace context current while the function below ran.</summary>
    public sealed class TraceparentSeen
    {
        public string? Inside { get; set; }
    }

    /// <summary>A queue function that records what it would send on as the trace context.</summary>
    public sealed class Forward(TraceparentSeen seen)
    {
        [Function("Forward")]
        public void Run([ServiceBusTrigger("intercom")] string message) => seen.Inside = PipelineTelemetry.CurrentTraceparent;
    }

    private sealed class ScopeRecordingLogger : ILogger<InvocationSpanMiddleware>
    {
        public List<IReadOnlyList<KeyValuePair<string, object?>>> Scopes { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values) Scopes.Add(values);
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
        }
    }
}
