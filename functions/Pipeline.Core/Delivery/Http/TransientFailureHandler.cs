using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Pipeline.Functions.Delivery.Http;

/// <summary>
/// The outermost handler of a destination's client: a call that got no answer (attempt timed out, circuit open,
/// connection failed) becomes a <see cref="TransientDeliveryException"/>, so the delivery engine records a
/// transient outcome and the queue redelivers. Cancellation by the caller (the lease ran out) passes through.
/// </summary>
public sealed class TransientFailureHandler(string destination) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken); // a body cut off midway is no answer either
            return response;
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TransientDeliveryException($"{Call(request)}: {destination} did not answer within {ex.Timeout.TotalSeconds:0.#} s",
                inner: ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw new TransientDeliveryException($"{Call(request)}: not sent, the circuit to {destination} is open after repeated failures",
                retryAfter: ex.RetryAfter, inner: ex, notSent: true);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new TransientDeliveryException($"{Call(request)}: no answer from {destination} ({ex.Message})", inner: ex);
        }
    }

    private static string Call(HttpRequestMessage request) => $"{request.Method} {request.RequestUri?.AbsolutePath}";
}
