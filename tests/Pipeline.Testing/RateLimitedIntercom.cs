using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace Pipeline.Testing;

/// <summary>
/// An Intercom stand-in that behaves like the real one under load: a per-window rate limit reported in
/// X-RateLimit-* headers (429 past it), plus injected 429s, 503s and answers slower than the client's timeout.
/// Used by the delivery-under-load test and by the drain benchmark.
/// </summary>
public sealed class RateLimitedIntercom : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Random _random = new(20261122);
    private readonly int _limitPerWindow;
    private readonly double _injected429, _injected503, _injectedTimeouts;
    private readonly TimeSpan _slowAnswer;
    private long _windowStart;
    private int _usedInWindow;

    public RateLimitedIntercom(int limitPerWindow, double injected429, double injected503, double injectedTimeouts, TimeSpan slowAnswer)
    {
        (_limitPerWindow, _injected429, _injected503, _injectedTimeouts, _slowAnswer) =
            (limitPerWindow, injected429, injected503, injectedTimeouts, slowAnswer);
        Server.Given(Request.Create().WithPath("/companies").UsingPost()).RespondWith(Response.Create().WithCallback(AnswerAsync));
    }

    public WireMock.Server.WireMockServer Server { get; } = WireMock.Server.WireMockServer.Start();
    public string Url => Server.Url!;

    public int LimitPerWindow => _limitPerWindow;

    public int LimitExceeded { get; private set; }
    public int Injected { get; private set; }

    /// <summary>Company ids that got a 2xx, one entry per successful call.</summary>
    public List<string> Succeeded { get; } = [];

    private async Task<IResponseMessage> AnswerAsync(IRequestMessage request)
    {
        int status;
        int remaining;
        long reset;
        bool slow;
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var window = now - now % 10; // Intercom's 10-second windows
            if (window != _windowStart) (_windowStart, _usedInWindow) = (window, 0);
            _usedInWindow++;
            remaining = Math.Max(0, _limitPerWindow - _usedInWindow);
            reset = window + 10;
            var roll = _random.NextDouble();
            slow = false;
            if (_usedInWindow > _limitPerWindow) { status = 429; LimitExceeded++; }
            else if (roll < _injected429) { status = 429; Injected++; }
            else if (roll < _injected429 + _injected503) { status = 503; Injected++; }
            else if (roll < _injected429 + _injected503 + _injectedTimeouts) { status = 200; slow = true; Injected++; }
            else status = 200;
        }
        if (slow) await Task.Delay(_slowAnswer); // past the client's timeout: the client gives up, so this answer never counts

        var companyId = JsonDocument.Parse(request.Body ?? "{}").RootElement.GetProperty("company_id").GetString()!;
        if (status == 200 && !slow) lock (_gate) Succeeded.Add(companyId);
        var headers = new Dictionary<string, WireMockList<string>>
        {
            ["Content-Type"] = new("application/json"),
            ["X-RateLimit-Limit"] = new(_limitPerWindow.ToString()),
            ["X-RateLimit-Remaining"] = new(remaining.ToString()),
            ["X-RateLimit-Reset"] = new(reset.ToString()),
        };
        if (status == 429) headers["Retry-After"] = new("1");
        var body = status switch
        {
            200 => """{"type":"company","id":"c"}""",
            429 => """{"type":"error.list","errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit"}]}""",
            _ => """{"type":"error.list","errors":[{"code":"service_unavailable","message":"try later"}]}""",
        };
        return new ResponseMessage
        {
            StatusCode = status,
            Headers = headers,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
    }

    public void Dispose() => Server.Stop();
}
