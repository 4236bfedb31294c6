using System.Diagnostics;
using OpenTelemetry;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Pipeline.IntegrationTests;

/// <summary>The local host with in-memory exporters behind the redaction processors, and secrets of its own.</summary>
public sealed class TelemetryFixture : PipelineFixture
{
    public const string AppKey = "telemetry-app-key-5d1f";
    public string IntercomToken { get; } = "tok_" + Guid.NewGuid().ToString("N");
    public string IdSecret { get; } = "secret_" + Guid.NewGuid().ToString("N");
    public TelemetryCapture Telemetry { get; } = new();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Intercom:AccessToken"] = IntercomToken;
        settings["Tracking:AppKeys:0"] = AppKey;
        settings["Tracking:IdSecret"] = IdSecret;
    }

    protected override void ConfigureServices(IServiceCollection services) => Telemetry.Register(services);
}

/// <summary>
/// One trace from the caller's request to the Intercom call, across both queue hops; and no email, token or secret
/// in anything exported.
/// </summary>
public sealed class TelemetryTests(TelemetryFixture fixture) : IClassFixture<TelemetryFixture>
{
    private PipelineHost Host => fixture.Host;
    private IntercomStandIn Intercom => fixture.Intercom;

    [Fact]
    public async Task One_trace_spans_the_request_the_Recorder_the_forwarder_and_the_Intercom_call()
    {
        var site = PipelineFixture.NewSiteId();
        var callerTrace = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        var request = new HttpRequestMessage(HttpMethod.Post, "api/push/cart_recovered")
        {
            Content = new StringContent($$"""{"site_id":"{{site}}","cart_recovered":"3"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{callerTrace}-{callerSpan}-01");

        using (SuppressInstrumentationScope.Begin()) // this process's own HttpClient tracing would replace the header
            Assert.Equal(HttpStatusCode.OK, (await Host.Client.SendAsync(request)).StatusCode);

        List<Activity> trace = [];
        Activity? Find(Func<Activity, bool> match) => trace.FirstOrDefault(match);
        await Eventually.TrueAsync(() =>
        {
            trace = fixture.Telemetry.Spans.Snapshot().Where(s => s.TraceId == callerTrace).ToList();
            return Find(IsIntercomCall) is not null && Find(Delivered) is not null;
        }, "the forwarder's span and its Intercom call are exported in the caller's trace", TimeSpan.FromSeconds(30));

        var server = Assert.Single(trace, s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("url.path"), "/api/push/cart_recovered"));
        Assert.Equal(callerSpan, server.ParentSpanId); // the caller's own traceparent is continued
        var push = Assert.Single(trace, s => s.DisplayName == "PushSegment");
        var record = Assert.Single(trace, s => s.DisplayName == "RecordEvent");
        // A first attempt that timed out on a cold stand-in is redelivered: its span is in the trace too.
        var forward = Assert.Single(trace, Delivered);
        var call = Assert.Single(trace, s => IsIntercomCall(s) && s.ParentSpanId == forward.SpanId);

        Assert.Equal(server.SpanId, push.ParentSpanId);
        Assert.Equal(push.SpanId, record.ParentSpanId);     // through the events queue, by the envelope's traceparent
        Assert.Equal(ActivityKind.Consumer, record.Kind);
        Assert.Equal(record.SpanId, forward.ParentSpanId);  // the Recorder re-sent the envelope from its own span
        Assert.Equal(ActivityKind.Consumer, forward.Kind);
        Assert.Equal(forward.GetTagItem("pipeline.event.id"), record.GetTagItem("pipeline.event.id"));

        var received = Intercom.Server.LogEntries.Where(e => e.RequestMessage?.Body?.Contains(site) == true)
            .Select(e => Assert.Single(e.RequestMessage!.Headers!["traceparent"])).ToList();
        Assert.Contains($"00-{callerTrace}-{call.SpanId}-01", received);
        Assert.All(received, traceparent => Assert.StartsWith($"00-{callerTrace}-", traceparent));
    }

    private static bool Delivered(Activity span) => span.DisplayName == "ForwardToIntercom" && span.Status != ActivityStatusCode.Error;

    [Fact]
    public async Task No_email_token_or_secret_reaches_a_span_a_metric_or_a_log()
    {
        var site = PipelineFixture.NewSiteId();
        var email = $"{site}@private-example.com";
        var encodedEmail = Uri.EscapeDataString(email);
        // Intercom refuses the contact search quoting the address, so the refusal's text carries it into the logs.
        Intercom.Server.Given(Request.Create().WithPath("/contacts/search").UsingPost().WithBody(b => b?.Contains(email) == true))
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"type":"error.list","errors":[{"code":"parameter_invalid","message":"{{email}} is not a valid email"}]}"""));

        // Sent as an outside caller would send them: without this process's own client tracing (whose dropped
        // spans would mark the requests as not sampled).
        using (SuppressInstrumentationScope.Begin())
        {
            var push = await Host.PostJsonAsync($"api/push/signup_started?email={encodedEmail}",
                $$"""{"site_id":"{{site}}","email":"{{email}}","domain":"example.com","signup_started":"2026-11-20T10:00:00Z"}""");
            Assert.Equal(HttpStatusCode.OK, push.StatusCode);
            var init = await Host.Client.PostAsync($"api/jsapi/init?email={encodedEmail}",
                new StringContent($"appkey={TelemetryFixture.AppKey}&email={encodedEmail}", Encoding.UTF8, "application/x-www-form-urlencoded"));
            Assert.Equal(HttpStatusCode.OK, init.StatusCode);
        }

        await Eventually.TrueAsync(() => Intercom.Calls("POST", "/contacts/search").Any(c => c.Body.ToString().Contains(email)),
            "the forwarder searched Intercom for the owner by email, with the token", TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => fixture.Telemetry.Logs.Snapshot().Any(l => l.Contains("parameter_invalid")),
            "the refusal is logged", TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => fixture.Telemetry.Spans.Snapshot().Any(s => s.DisplayName == "ForwardToIntercom"
                && Equals(s.GetTagItem("pipeline.event.type"), "push.signup_started")),
            "the forwarder's span is exported", TimeSpan.FromSeconds(30));

        Assert.Contains(Intercom.Server.LogEntries, e => e.RequestMessage?.Headers?.TryGetValue("Authorization", out var auth) == true
                                                         && auth.Contains("Bearer " + fixture.IntercomToken));
        var exported = fixture.Telemetry.AllText(Host.Services);

        Assert.Contains("parameter_invalid", exported);
        Assert.Contains("[email] is not a valid email", exported); // it was there, and was scrubbed
        Assert.Contains("pipeline.deliveries", exported);
        Assert.Contains("/api/push/signup_started", exported);
        Assert.DoesNotContain(email, exported, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(encodedEmail, exported, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("private-example.com", exported, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(fixture.IntercomToken, exported);
        Assert.DoesNotContain(fixture.IdSecret, exported);
    }

    private bool IsIntercomCall(Activity span) =>
        span.Kind == ActivityKind.Client && span.GetTagItem("url.full") is string url
                                         && url.StartsWith(Intercom.Url, StringComparison.Ordinal) && url.EndsWith("/companies", StringComparison.Ordinal);
}
