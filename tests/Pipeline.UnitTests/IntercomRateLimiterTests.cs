using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.Intercom;

namespace Pipeline.UnitTests;

public sealed class IntercomRateLimiterTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));

    private IntercomRateLimiter Limiter(int requestsPerMinute = 600) =>
        new(Options.Create(new IntercomOptions { RequestsPerMinute = requestsPerMinute }), _clock);

    private HttpResponseMessage Answer(HttpStatusCode status, int limit, int remaining, TimeSpan resetIn, TimeSpan? retryAfter = null)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.Add("X-RateLimit-Limit", limit.ToString());
        response.Headers.Add("X-RateLimit-Remaining", remaining.ToString());
        response.Headers.Add("X-RateLimit-Reset", (_clock.GetUtcNow() + resetIn).ToUnixTimeSeconds().ToString());
        if (retryAfter is { } delay) response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
        return response;
    }

    /// <summary>The caller is still waiting when the fake clock reaches <paramref name="notYet"/>, and free by <paramref name="by"/>.</summary>
    private async Task AssertReleasedBetween(Task waiting, TimeSpan notYet, TimeSpan by)
    {
        _clock.Advance(notYet);
        Assert.False(waiting.IsCompleted, $"released before {notYet}");
        _clock.Advance(by - notYet);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task When_Intercom_says_the_window_is_spent_every_caller_waits_for_its_reset()
    {
        var limiter = Limiter();
        await limiter.AcquireAsync(CancellationToken.None);
        limiter.Observe(Answer(HttpStatusCode.OK, limit: 100, remaining: 0, resetIn: TimeSpan.FromSeconds(7)));

        await AssertReleasedBetween(limiter.AcquireAsync(CancellationToken.None), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task A_429_with_Retry_After_holds_everyone_back_that_long()
    {
        var limiter = Limiter();
        limiter.Observe(Answer(HttpStatusCode.TooManyRequests, limit: 100, remaining: 3, resetIn: TimeSpan.FromSeconds(1),
            retryAfter: TimeSpan.FromSeconds(4)));

        await AssertReleasedBetween(limiter.AcquireAsync(CancellationToken.None), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Calls_are_paced_evenly_across_the_ten_second_window()
    {
        var limiter = Limiter();
        limiter.Observe(Answer(HttpStatusCode.OK, limit: 10, remaining: 10, resetIn: TimeSpan.FromSeconds(10)));

        await limiter.AcquireAsync(CancellationToken.None); // the first slot is now
        // 10 per 10 s: one a second.
        await AssertReleasedBetween(limiter.AcquireAsync(CancellationToken.None), TimeSpan.FromMilliseconds(900),
            TimeSpan.FromMilliseconds(1100));
    }

    [Fact]
    public async Task Without_headers_the_configured_rate_applies()
    {
        var limiter = Limiter(requestsPerMinute: 60_000); // 10,000 per window: no waiting to speak of
        for (var i = 0; i < 50; i++)
        {
            var acquired = limiter.AcquireAsync(CancellationToken.None);
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            await acquired.WaitAsync(TimeSpan.FromSeconds(5));
        }
    }
}
