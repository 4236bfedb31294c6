using System.Threading.Channels;
using System.Threading.RateLimiting;

namespace Pipeline.Functions.Delivery.Http;

/// <summary>
/// The rate state of one destination (one workspace, one API key): a token bucket that spreads the calls of a window evenly across it, and a pause that the
/// destination's answers set: <c>X-RateLimit-Remaining</c> at zero (or no more than the calls already on the wire)
/// holds every caller until <c>X-RateLimit-Reset</c>; a 429 holds them for its <c>Retry-After</c>, and only that
/// long (a 503's too, with <see cref="DestinationHttpOptions.PauseOnServiceUnavailable"/>). An optional concurrency
/// cap holds calls past <see cref="DestinationHttpOptions.MaxConcurrentCalls"/> in order. The pause and the bucket's refills keep time by <see cref="TimeProvider"/>, so tests run both on a fake clock.
/// </summary>
public sealed class RateLimitGate : IDisposable
{
    /// <summary>The bucket is refilled at most this often: a few calls at a time rather than a timer per call.</summary>
    private static readonly TimeSpan MinimumTick = TimeSpan.FromMilliseconds(50);

    private readonly DestinationHttpOptions _options;
    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private readonly ConcurrencyLimiter? _concurrency;
    private Pacer? _pacer;
    private DateTimeOffset _pausedUntil;
    private int _inFlight;

    public RateLimitGate(DestinationHttpOptions options, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        if (options.RequestsPerWindow is { } limit) _pacer = new Pacer(limit, options.Window, clock);
        if (options.MaxConcurrentCalls is { } cap)
            _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = Math.Max(1, cap),
                QueueLimit = 10_000,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
    }

    /// <summary>Waits for a place among the calls in flight (none to wait for without a cap); dispose it when the call is done.</summary>
    public async ValueTask<IDisposable?> TakeSlotAsync(CancellationToken cancellationToken)
    {
        if (_concurrency is null) return null;
        var lease = await _concurrency.AcquireAsync(1, cancellationToken);
        if (lease.IsAcquired) return lease;
        lease.Dispose();
        throw new TransientDeliveryException("too many calls waiting in this instance");
    }

    /// <summary>Calls per window the gate paces to now (null: unpaced).</summary>
    public int? LimitPerWindow
    {
        get { lock (_lock) return _pacer?.Limit; }
    }

    /// <summary>Until when every caller is held (past: not paused).</summary>
    public DateTimeOffset PausedUntil
    {
        get { lock (_lock) return _pausedUntil; }
    }

    private DateTimeOffset _circuitOpenUntil;

    /// <summary>
    /// Until when no call would be made at all: the destination's pause, or the circuit breaker's break. The delivery
    /// engine asks before it claims a delivery, so that waiting for either costs no attempt.
    /// </summary>
    public DateTimeOffset CallsHeldUntil
    {
        get { lock (_lock) return _pausedUntil > _circuitOpenUntil ? _pausedUntil : _circuitOpenUntil; }
    }

    /// <summary>The circuit breaker opened for <paramref name="breakDuration"/> (its callback, Polly's own state).</summary>
    public void CircuitOpened(TimeSpan breakDuration)
    {
        lock (_lock) _circuitOpenUntil = _clock.GetUtcNow() + breakDuration;
    }

    /// <summary>The circuit let a trial call through, or closed again.</summary>
    public void CircuitAllowsCalls()
    {
        lock (_lock) _circuitOpenUntil = default;
    }

    /// <summary>Waits until a call may go out: past any pause, then its turn in the window. Counts it as in flight.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var pause = PausedUntil - _clock.GetUtcNow();
            if (pause > _options.MaxPauseWait)
                throw new TransientDeliveryException($"the destination asked to wait {pause.TotalSeconds:0} s more (Retry-After)", 429, pause,
                    notSent: true);
            if (pause > TimeSpan.Zero) await Task.Delay(pause, _clock, cancellationToken);

            Pacer? pacer;
            lock (_lock) pacer = _pacer;
            if (pacer is not null && !await pacer.TakeTurnAsync(cancellationToken)) continue; // the limit changed meanwhile

            // A pause set while this call waited for its turn applies to it too.
            if (PausedUntil > _clock.GetUtcNow()) continue;
            Interlocked.Increment(ref _inFlight);
            return;
        }
    }

    /// <summary>A call that went out came back with no answer (timeout, connection refused, cancelled).</summary>
    public void Abandoned() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Learns from an answer: the window's budget and when it resets, or a 429's <c>Retry-After</c>.</summary>
    public void Observe(HttpResponseMessage response)
    {
        var stillInFlight = Interlocked.Decrement(ref _inFlight);
        if (!_options.HonourRateLimitHeaders) return;
        var now = _clock.GetUtcNow();
        lock (_lock)
        {
            if (Header(response, "X-RateLimit-Limit") is { } l && int.TryParse(l, CultureInfo.InvariantCulture, out var limit)
                && limit > 0 && limit != _pacer?.Limit)
            {
                _pacer?.Dispose();
                _pacer = new Pacer(limit, _options.Window, _clock);
            }

            var status = (int)response.StatusCode;
            if (status == 503 && _options.PauseOnServiceUnavailable && RetryAfterOf(response, now) is { } serviceBack)
            {
                if (serviceBack > _pausedUntil) _pausedUntil = serviceBack;
                return;
            }

            if (status == 429)
            {
                // The server's own word on this call: its Retry-After, not the window reset the same answer may carry.
                _pausedUntil = RetryAfterOf(response, now) ?? ResetOf(response, now) ?? now + _options.Window;
                return;
            }

            // Spent, or about to be by the calls already on the wire: hold everyone until the window resets.
            if (Header(response, "X-RateLimit-Remaining") is { } r && int.TryParse(r, CultureInfo.InvariantCulture, out var remaining)
                && remaining <= Math.Max(0, stillInFlight) && ResetOf(response, now) is { } reset && reset > _pausedUntil)
                _pausedUntil = reset;
        }
    }

    private static DateTimeOffset? RetryAfterOf(HttpResponseMessage response, DateTimeOffset now) =>
        response.Headers.RetryAfter is { } retryAfter
            ? retryAfter.Delta is { } delta ? now + delta : retryAfter.Date
            : null;

    /// <summary>X-RateLimit-Reset (Unix seconds) when it lies ahead and within one window (a clock apart is not trusted further).</summary>
    private DateTimeOffset? ResetOf(HttpResponseMessage response, DateTimeOffset now)
    {
        if (Header(response, "X-RateLimit-Reset") is not { } text
            || !long.TryParse(text, CultureInfo.InvariantCulture, out var unix)) return null;
        var reset = DateTimeOffset.FromUnixTimeSeconds(unix);
        if (reset <= now) return null; // stale: that window is over
        return reset - now > _options.Window ? now + _options.Window : reset;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public void Dispose()
    {
        lock (_lock) _pacer?.Dispose();
        _concurrency?.Dispose();
    }

    /// <summary>
    /// A token bucket on the gate's clock: <c>limit</c> calls per window, evenly spread, at most two ticks' worth at
    /// once. System.Threading.RateLimiting's bucket reads elapsed time from the stopwatch when it is refilled by hand,
    /// so no clock but the real one could drive it; here the clock's timer adds one tick's worth to a bounded
    /// channel, whose waiting readers take their turns in order. A tick that fires late adds no more than its own
    /// worth: a busy machine paces slower than the limit, never faster.
    /// </summary>
    private sealed class Pacer : IDisposable
    {
        private readonly Channel<bool> _tokens;
        private readonly ITimer _refill;

        public Pacer(int limit, TimeSpan window, TimeProvider clock)
        {
            Limit = limit;
            var perCall = window / limit;
            var perTick = Math.Max(1, (int)Math.Ceiling(MinimumTick / perCall));
            var tick = perCall * perTick;
            _tokens = Channel.CreateBounded<bool>(new BoundedChannelOptions(2 * perTick) { FullMode = BoundedChannelFullMode.DropWrite });
            Add(2 * perTick);
            _refill = clock.CreateTimer(_ => Add(perTick), null, tick, tick);
        }

        public int Limit { get; }

        private void Add(int tokens)
        {
            for (var i = 0; i < tokens; i++) _tokens.Writer.TryWrite(true);
        }

        /// <returns>false when this pacer was replaced (a new limit) while the caller waited.</returns>
        public async Task<bool> TakeTurnAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await _tokens.Reader.ReadAsync(cancellationToken);
            }
            catch (ChannelClosedException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            _refill.Dispose();
            _tokens.Writer.TryComplete();
        }
    }
}
