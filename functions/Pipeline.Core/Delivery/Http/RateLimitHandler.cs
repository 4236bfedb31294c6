namespace Pipeline.Functions.Delivery.Http;

/// <summary>
/// Holds each outgoing call at its destination's <see cref="RateLimitGate"/> (a place among the calls in flight,
/// then past any pause and its turn in the window), and tells the gate what came back.
/// </summary>
public sealed class RateLimitHandler(RateLimitGate gate) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var slot = await gate.TakeSlotAsync(cancellationToken);
        await gate.WaitAsync(cancellationToken);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch
        {
            gate.Abandoned();
            throw;
        }
        gate.Observe(response);
        return response;
    }
}
