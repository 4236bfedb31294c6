using System.Globalization;
using Microsoft.Extensions.Options;


namespace Pipeline.Functions.Intercom;

/// <summary>
/// One limiter per Intercom workspace (this app talks to one). Intercom spreads its per-minute limit over
/// 10-second windows and reports <c>X-RateLimit-Limit</c>, <c>-Remaining</c> and <c>-Reset</c> on every
/// authenticated answer. Calls are paced evenly across the window, and when Intercom says the window is spent
/// (or answers 429 with <c>Retry-After</c>) every caller waits for the reset instead of hitting the limit.
/// </summary>
public sealed class IntercomRateLimiter(IOptions<IntercomOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private int? _limitPerWindow;
    private int? _remaining;
    private DateTimeOffset _resetAt;
    private DateTimeOffset _nextSlot;

    private int LimitPerWindow => _limitPerWindow ?? Math.Max(1, options.Value.RequestsPerMinute / 6);

    /// <summary>Waits until a call may be made without exceeding what Intercom allows, then takes that slot.</summary>
    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            bool reserved;
            lock (_gate)
            {
                var now = clock.GetUtcNow();
                if (_remaining is <= 0 && _resetAt > now)
                {
                    wait = _resetAt - now; // the window is spent: everyone waits for its reset
                    reserved = false;
                }
                else
                {
                    if (_resetAt <= now) _remaining = null; // a new window: the next answer tells us its budget
                    var slot = _nextSlot > now ? _nextSlot : now;
                    _nextSlot = slot + Window / LimitPerWindow;
                    if (_remaining is { } left) _remaining = left - 1;
                    wait = slot - now;
                    reserved = true;
                }
            }
            if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, cancellationToken);
            if (reserved) return;
        }
    }

    /// <summary>Learns the window's state from an answer's headers (and a 429's <c>Retry-After</c>).</summary>
    public void Observe(HttpResponseMessage response)
    {
        lock (_gate)
        {
            if (Header(response, "X-RateLimit-Limit") is { } limit && int.TryParse(limit, out var l) && l > 0)
                _limitPerWindow = l;
            if (Header(response, "X-RateLimit-Remaining") is { } remaining && int.TryParse(remaining, out var r))
                _remaining = r;
            if (Header(response, "X-RateLimit-Reset") is { } reset && long.TryParse(reset, CultureInfo.InvariantCulture, out var unix))
                _resetAt = DateTimeOffset.FromUnixTimeSeconds(unix);
            if ((int)response.StatusCode == 429)
            {
                _remaining = 0;
                var retryAfter = response.Headers.RetryAfter;
                var until = retryAfter?.Delta is { } delta ? clock.GetUtcNow() + delta
                    : retryAfter?.Date ?? (_resetAt > clock.GetUtcNow() ? _resetAt : clock.GetUtcNow() + Window);
                if (until > _resetAt) _resetAt = until;
            }
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
