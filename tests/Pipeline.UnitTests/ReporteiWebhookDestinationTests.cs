using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Pipeline.Functions.Delivery;
using Pipeline.Functions.Reportei;

namespace Pipeline.UnitTests;

/// <summary>What one metrics callback attempt records for the job: the receiver's status and how long it took, on a fake clock.</summary>
public sealed class ReporteiWebhookDestinationTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));

    private ReporteiWebhookDestination Destination(HttpMessageHandler receiver) => new(
        new HttpClient(receiver),
        new WebhookGuard(Mock.Of<IOptionsMonitor<ReporteiOptions>>(o => o.CurrentValue == new ReporteiOptions())),
        new byte[32], "https://receiver.example/hooks/metrics", """{"n":{"values":1}}""", TimeSpan.FromSeconds(10), _clock);

    private static EventEnvelope Job => new(Guid.Parse("0193a000-0000-7000-8000-000000000001"), "reportei.metrics_job", "test",
        "job:1", new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero), JsonDocument.Parse("{}").RootElement);

    [Fact]
    public async Task A_delivered_attempt_records_the_status_and_the_time_from_the_call_to_the_answer()
    {
        var destination = Destination(new AnswersAfter(_clock, TimeSpan.FromMilliseconds(1234), HttpStatusCode.NoContent));

        var outcome = await destination.DeliverAsync(Job, CancellationToken.None);

        Assert.Equal(new DeliveryOutcome.Delivered(204, "18 bytes"), outcome);
        Assert.Equal((204, TimeSpan.FromMilliseconds(1234), (string?)null, (string?)null), destination.Seen);
    }

    [Fact]
    public async Task A_failed_attempt_records_the_status_its_error_the_answer_and_the_time_it_took()
    {
        var destination = Destination(new AnswersAfter(_clock, TimeSpan.FromSeconds(2.5), HttpStatusCode.BadGateway, "upstream down"));

        var outcome = await destination.DeliverAsync(Job, CancellationToken.None);

        Assert.Equal(new DeliveryOutcome.Transient("HTTP 502", 502), outcome);
        Assert.Equal((502, TimeSpan.FromSeconds(2.5), "HTTP 502", "upstream down"), destination.Seen);
    }

    /// <summary>A receiver that takes the given time on the fake clock to answer.</summary>
    private sealed class AnswersAfter(FakeTimeProvider clock, TimeSpan delay, HttpStatusCode status, string body = "") : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            clock.Advance(delay);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body) });
        }
    }
}
