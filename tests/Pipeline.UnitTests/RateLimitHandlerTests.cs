using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Functions.Delivery;
using Pipeline.Functions.Delivery.Http;

namespace Pipeline.UnitTests;

/// <summary>The outbound pacing, header-driven pause and concurrency cap of a destination's HttpClient, on a fake clock.</summary>
public sealed class RateLimitHandlerTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
    private readonly Queue<Func<HttpResponseMessage>> _answers = new();

    /// <summary>Released once per call that reaches the destination.</summary>
    private readonly SemaphoreSlim _arrivals = new(0);
    private RateLimitGate? _gate;

    private HttpMessageInvoker Client(int? requestsPerWindow, TimeSpan? window = null) =>
        Client(new DestinationHttpOptions { RequestsPerWindow = requestsPerWindow, Window = window ?? TimeSpan.FromSeconds(10) });

    private HttpMessageInvoker Client(DestinationHttpOptions options, HttpMessageHandler? destination = null)
    {
        _gate = new RateLimitGate(options, _clock);
        return new HttpMessageInvoker(new RateLimitHandler(_gate) { InnerHandler = destination ?? new Answering(this) });
    }

    private Task<HttpResponseMessage> Call(HttpMessageInvoker client, CancellationToken cancellationToken = default) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/companies"), cancellationToken);

    private void Then(HttpStatusCode status, int? limit = null, int? remaining = null, TimeSpan? resetIn = null, TimeSpan? retryAfter = null) =>
        _answers.Enqueue(() =>
        {
            var response = new HttpResponseMessage(status);
            if (limit is { } l) response.Headers.Add("X-RateLimit-Limit", l.ToString());
            if (remaining is { } r) response.Headers.Add("X-RateLimit-Remaining", r.ToString());
            if (resetIn is { } reset) response.Headers.Add("X-RateLimit-Reset", (_clock.GetUtcNow() + reset).ToUnixTimeSeconds().ToString());
            if (retryAfter is { } delay) response.Headers.RetryAfter = new RetryConditionHeaderValue(delay);
            return response;
        });

    /// <summary>
    /// The call is still held when the fake clock reaches <paramref name="notYet"/>, and has gone out by <paramref name="by"/>.
    /// A pause ends on a timer of the fake clock, which fires inside <see cref="FakeTimeProvider.Advance"/>.
    /// </summary>
    private async Task AssertReleasedBetween(Task waiting, TimeSpan notYet, TimeSpan by)
    {
        _clock.Advance(notYet);
        await Task.Yield();
        Assert.False(waiting.IsCompleted, $"released before {notYet.TotalMilliseconds} ms");
        _clock.Advance(by - notYet);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static async Task AssertReleasedAtOnce(Task call) => await call.WaitAsync(TimeSpan.FromSeconds(5));

    /// <summary>
    /// Moves the fake clock one tick at a time: before the first tick and after each, exactly the given number of
    /// calls have reached the destination in all (<paramref name="before"/> had before these calls started).
    /// </summary>
    private async Task AssertSentPerTick(TimeSpan tick, int before, params int[] sentInAll)
    {
        var seen = before;
        for (var i = 0; i < sentInAll.Length; i++)
        {
            if (i > 0) _clock.Advance(tick);
            for (; seen < sentInAll[i]; seen++)
                Assert.True(await _arrivals.WaitAsync(TimeSpan.FromSeconds(5)), $"tick {i}: {seen} calls went out, not {sentInAll[i]}");
            Assert.Equal(sentInAll[i], Volatile.Read(ref _calls));
        }
    }

    [Fact]
    public async Task Calls_are_paced_evenly_across_the_window()
    {
        using var client = Client(requestsPerWindow: 20, window: TimeSpan.FromSeconds(1)); // one every 50 ms

        var calls = Enumerable.Range(0, 11).Select(_ => Call(client)).ToList();

        // Two go out at once (the bucket holds two ticks' worth), then one every 50 ms: the last at 450 ms.
        await AssertSentPerTick(TimeSpan.FromMilliseconds(50), before: 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_destinations_limit_header_replaces_the_configured_rate()
    {
        using var client = Client(requestsPerWindow: 1000, window: TimeSpan.FromSeconds(1)); // fast until the destination says otherwise
        Then(HttpStatusCode.OK, limit: 5, remaining: 4, resetIn: TimeSpan.FromSeconds(10));
        await Call(client);
        Assert.True(await _arrivals.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(5, _gate!.LimitPerWindow);

        var calls = Enumerable.Range(0, 4).Select(_ => Call(client)).ToList();

        // At 1,000/s all four would go at once; at 5/s two go at once, then one every 200 ms.
        await AssertSentPerTick(TimeSpan.FromMilliseconds(100), before: 1, 3, 3, 4, 4, 5);
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task When_the_window_is_spent_every_caller_waits_for_its_reset()
    {
        using var client = Client(requestsPerWindow: null);
        Then(HttpStatusCode.OK, remaining: 0, resetIn: TimeSpan.FromSeconds(7));
        await AssertReleasedAtOnce(Call(client));

        var waiting = new[] { Call(client), Call(client), Call(client) };

        await AssertReleasedBetween(Task.WhenAll(waiting), TimeSpan.FromSeconds(6.9), TimeSpan.FromSeconds(7.1));
    }

    [Fact]
    public async Task A_429_with_Retry_After_2_pauses_about_2_s_not_until_the_window_reset_it_also_reports()
    {
        using var client = Client(requestsPerWindow: null);
        Then(HttpStatusCode.TooManyRequests, remaining: 0, resetIn: TimeSpan.FromSeconds(8), retryAfter: TimeSpan.FromSeconds(2));

        var throttled = await Call(client).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode); // the caller decides what a 429 means to it
        await AssertReleasedBetween(Call(client), TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(2.1));
    }

    [Fact]
    public async Task A_429_without_Retry_After_pauses_until_the_window_resets()
    {
        using var client = Client(requestsPerWindow: null);
        Then(HttpStatusCode.TooManyRequests, remaining: 0, resetIn: TimeSpan.FromSeconds(4));
        await AssertReleasedAtOnce(Call(client));

        await AssertReleasedBetween(Call(client), TimeSpan.FromSeconds(3.9), TimeSpan.FromSeconds(4.1));
    }

    [Fact]
    public async Task A_reset_already_past_holds_no_one_and_after_a_reset_calls_flow_again()
    {
        using var client = Client(requestsPerWindow: null);
        Then(HttpStatusCode.OK, remaining: 0, resetIn: TimeSpan.FromSeconds(-1)); // a late answer from the last window
        await AssertReleasedAtOnce(Call(client));
        await AssertReleasedAtOnce(Call(client));

        Then(HttpStatusCode.OK, remaining: 0, resetIn: TimeSpan.FromSeconds(3));
        await AssertReleasedAtOnce(Call(client));
        await AssertReleasedBetween(Call(client), TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(3.1));
        await AssertReleasedAtOnce(Call(client));
    }

    [Fact]
    public async Task A_held_call_is_cancelled_when_its_caller_gives_up()
    {
        using var client = Client(requestsPerWindow: null);
        Then(HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromSeconds(30));
        await AssertReleasedAtOnce(Call(client));
        using var lease = new CancellationTokenSource();

        var held = Call(client, lease.Token);
        await lease.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, _calls); // the held call never reached the destination
    }

    [Fact]
    public async Task A_503_with_Retry_After_pauses_only_a_client_that_honours_it()
    {
        using var honouring = Client(new DestinationHttpOptions { PauseOnServiceUnavailable = true });
        Then(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromSeconds(2));
        await AssertReleasedAtOnce(Call(honouring));
        await AssertReleasedBetween(Call(honouring), TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(2.1));

        _gate!.Dispose();
        using var ignoring = Client(new DestinationHttpOptions());
        Then(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromSeconds(2));
        await AssertReleasedAtOnce(Call(ignoring));
        await AssertReleasedAtOnce(Call(ignoring));
    }

    [Fact]
    public async Task A_pause_longer_than_the_max_wait_fails_the_call_at_once_with_the_time_left()
    {
        using var client = Client(new DestinationHttpOptions { MaxPauseWait = TimeSpan.FromSeconds(5) });
        Then(HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromSeconds(30));
        await AssertReleasedAtOnce(Call(client));
        _clock.Advance(TimeSpan.FromSeconds(10));

        var refused = await Assert.ThrowsAsync<TransientDeliveryException>(() => Call(client).WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.Equal(TimeSpan.FromSeconds(20), refused.RetryAfter);
        Assert.Equal(1, _calls); // the refused call never reached the destination
        _clock.Advance(TimeSpan.FromSeconds(16)); // 4 s left: within the max wait, so the call is held, then sent
        await AssertReleasedBetween(Call(client), TimeSpan.FromSeconds(3.9), TimeSpan.FromSeconds(4.1));
    }

    [Fact]
    public async Task Calls_past_the_concurrency_cap_wait_for_a_place()
    {
        var destination = new Holding();
        using var client = Client(new DestinationHttpOptions { MaxConcurrentCalls = 2 }, destination);

        var calls = Enumerable.Range(0, 5).Select(_ => Call(client)).ToList();
        await destination.Entered(2);

        // Let the calls end one at a time: each one that ends makes room for exactly one more.
        for (var ended = 1; ended <= 3; ended++)
        {
            destination.LetOneEnd();
            await destination.Entered(2 + ended);
        }
        destination.LetOneEnd();
        destination.LetOneEnd();
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, destination.MostInFlight);
        Assert.Equal(5, destination.Calls);
    }

    /// <summary>A destination that keeps every call until the test lets one end.</summary>
    private sealed class Holding : HttpMessageHandler
    {
        private readonly SemaphoreSlim _entered = new(0);
        private readonly SemaphoreSlim _mayEnd = new(0);
        private int _inFlight, _most, _calls, _seen;
        public int MostInFlight => Volatile.Read(ref _most);
        public int Calls => Volatile.Read(ref _calls);

        public void LetOneEnd() => _mayEnd.Release();

        /// <summary>Waits until this many calls in all have reached the destination.</summary>
        public async Task Entered(int count)
        {
            for (; _seen < count; _seen++)
                Assert.True(await _entered.WaitAsync(TimeSpan.FromSeconds(5)), $"{_seen} calls reached the destination, not {count}");
            Assert.Equal(count, Calls);
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var now = Interlocked.Increment(ref _inFlight);
            int seen;
            while (now > (seen = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, seen) != seen)
            {
            }
            _entered.Release();
            await _mayEnd.WaitAsync(cancellationToken);
            Interlocked.Decrement(ref _inFlight);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }

    private int _calls;

    private sealed class Answering(RateLimitHandlerTests test) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref test._calls);
            test._arrivals.Release();
            lock (test._answers)
                return Task.FromResult(test._answers.TryDequeue(out var answer) ? answer() : new HttpResponseMessage(HttpStatusCode.OK));
        }
    }

    public void Dispose() => _gate?.Dispose();
}

/// <summary>The whole client as <c>AddDestinationHttpClient</c> registers it: timeouts and an open circuit are transient failures.</summary>
public sealed class DestinationHttpClientTests
{
    private static (IHttpClientFactory Factory, Stub Primary) Build(DestinationHttpOptions options)
    {
        var primary = new Stub();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddDestinationHttpClient("dest", (_, http) => http.BaseAddress = new Uri("http://127.0.0.1:9/"), options)
            .ConfigurePrimaryHttpMessageHandler(() => primary);
        return (services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>(), primary);
    }

    [Fact]
    public async Task An_attempt_past_its_timeout_is_a_transient_failure()
    {
        var (factory, primary) = Build(new DestinationHttpOptions { AttemptTimeout = TimeSpan.FromMilliseconds(200) });
        primary.Delay = TimeSpan.FromSeconds(30);

        var failure = await Assert.ThrowsAsync<TransientDeliveryException>(() => factory.CreateClient("dest").PostAsync("companies", null));

        Assert.Contains("did not answer within 0.2 s", failure.Message);
        Assert.Equal(1, primary.Calls);
    }

    [Fact]
    public async Task Repeated_server_errors_open_the_circuit_and_then_calls_fail_without_being_sent()
    {
        var (factory, primary) = Build(new DestinationHttpOptions
        {
            BreakerMinimumThroughput = 2, BreakerFailureRatio = 0.5, BreakDuration = TimeSpan.FromSeconds(30),
        });
        primary.Status = HttpStatusCode.ServiceUnavailable;
        var client = factory.CreateClient("dest");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostAsync("companies", null)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostAsync("companies", null)).StatusCode);
        var failure = await Assert.ThrowsAsync<TransientDeliveryException>(() => client.PostAsync("companies", null));

        Assert.Contains("circuit", failure.Message);
        Assert.Equal(2, primary.Calls);
    }

    [Fact]
    public async Task Throttling_does_not_open_the_circuit_and_nothing_is_retried_in_process()
    {
        var (factory, primary) = Build(new DestinationHttpOptions
        {
            BreakerMinimumThroughput = 2, BreakerFailureRatio = 0.5, HonourRateLimitHeaders = false,
        });
        primary.Status = HttpStatusCode.TooManyRequests;
        var client = factory.CreateClient("dest");

        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsync("companies", null)).StatusCode);

        Assert.Equal(5, primary.Calls);
    }

    [Fact]
    public async Task No_connection_is_a_transient_failure()
    {
        var (factory, primary) = Build(new DestinationHttpOptions());
        primary.Throw = new HttpRequestException("Connection refused");

        var failure = await Assert.ThrowsAsync<TransientDeliveryException>(() => factory.CreateClient("dest").PostAsync("companies", null));

        Assert.Contains("Connection refused", failure.Message);
    }

    private sealed class Stub : HttpMessageHandler
    {
        private int _calls;
        public int Calls => _calls;
        public TimeSpan Delay { get; set; }
        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;
        public Exception? Throw { get; set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (Throw is not null) throw Throw;
            if (Delay > TimeSpan.Zero) await Task.Delay(Delay, cancellationToken);
            return new HttpResponseMessage(Status);
        }
    }
}
