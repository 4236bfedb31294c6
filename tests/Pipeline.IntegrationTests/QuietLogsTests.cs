using Microsoft.Extensions.Logging;

namespace Pipeline.IntegrationTests;

/// <summary>What the app logs about outbound calls: each call once at debug, an expected failure once, as a warning without a stack.</summary>
public sealed class QuietLogsTests
{
    [Fact]
    public async Task An_outbound_call_is_one_debug_line_and_a_refused_attempt_one_warning_without_a_stack()
    {
        var logs = new LogCapture();
        var intercom = new IntercomStandIn();
        intercom.FailOnce("quiet-1", 503);
        await using var pipeline = await TestPipeline.Create().WithIntercom(intercom)
            .With("Logging:LogLevel:Polly", "Debug")
            .WithServices(s => s.AddSingleton<ILoggerProvider>(logs))
            .StartAsync();

        var response = await pipeline.Host.PostJsonAsync("api/push/cart_recovered", """{"site_id":"quiet-1","cart_recovered":"3"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.TrueAsync(() => intercom.CompanyCalls("quiet-1").Count == 2, "the 503 is followed by a delivered call");
        await Eventually.TrueAsync(() => logs.Of("Polly").Count == 2, "Polly logged both calls: " + string.Join(" | ", logs.All.Select(e => e.Category + ":" + e.Level).Distinct()));

        var polly = logs.Of("Polly");
        Assert.All(polly, e => Assert.Equal(LogLevel.Debug, e.Level));
        Assert.All(polly, e => Assert.StartsWith("Resilience pipeline executed", e.Message));
        var failure = Assert.Single(logs.Of<FunctionDispatcher>(), e => e.Level >= LogLevel.Warning && e.Message.Contains("ForwardToIntercom"));
        Assert.Equal(LogLevel.Warning, failure.Level);
        Assert.Null(failure.Exception);
        Assert.Contains("503", failure.Message);
    }
}
