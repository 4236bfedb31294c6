using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Telemetry;
using Polly.Timeout;

namespace Pipeline.Functions.Delivery.Http;

public static class DestinationHttpClients
{
    /// <summary>
    /// Registers a destination's named HttpClient with everything outbound delivery needs, outermost first:
    /// failures without an answer as <see cref="TransientDeliveryException"/>; pacing and the header-driven pause
    /// (<see cref="RateLimitHandler"/>, one <see cref="RateLimitGate"/> per client); a circuit breaker and the attempt
    /// timeout (Microsoft.Extensions.Http.Resilience). No retries: the queue's redelivery is the retry, after the
    /// delivery engine has recorded the attempt.
    /// </summary>
    public static IHttpClientBuilder AddDestinationHttpClient(this IServiceCollection services, string name,
        Action<IServiceProvider, HttpClient> configureClient, Func<IServiceProvider, DestinationHttpOptions> options)
    {
        services.AddKeyedSingleton(name, (sp, _) => options(sp));
        services.Configure<TelemetryOptions>(QuietResilienceEvents);
        services.AddKeyedSingleton(name, (sp, _) =>
            new RateLimitGate(sp.GetRequiredKeyedService<DestinationHttpOptions>(name), sp.GetRequiredService<TimeProvider>()));

        var builder = services.AddHttpClient(name, (sp, http) =>
        {
            configureClient(sp, http);
            http.Timeout = Timeout.InfiniteTimeSpan; // the attempt timeout below and the delivery lease bound a call
        });
        builder.AddHttpMessageHandler(() => new TransientFailureHandler(name));
        builder.AddHttpMessageHandler(sp => new RateLimitHandler(sp.GetRequiredKeyedService<RateLimitGate>(name)));
        builder.AddResilienceHandler(name, (pipeline, context) =>
        {
            var o = context.ServiceProvider.GetRequiredKeyedService<DestinationHttpOptions>(name);
            var gate = context.ServiceProvider.GetRequiredKeyedService<RateLimitGate>(name);
            pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                // The gate tells the engine while the circuit is open, so deliveries wait without claiming an attempt.
                OnOpened = args =>
                {
                    gate.CircuitOpened(args.BreakDuration);
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    gate.CircuitAllowsCalls();
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    gate.CircuitAllowsCalls();
                    return ValueTask.CompletedTask;
                },
                FailureRatio = o.BreakerFailureRatio,
                MinimumThroughput = o.BreakerMinimumThroughput,
                SamplingDuration = o.BreakerSamplingDuration,
                BreakDuration = o.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
            });
            pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = o.AttemptTimeout });
        });
        return builder;
    }

    public static IHttpClientBuilder AddDestinationHttpClient(this IServiceCollection services, string name,
        Action<IServiceProvider, HttpClient> configureClient, DestinationHttpOptions options) =>
        services.AddDestinationHttpClient(name, configureClient, _ => options);

    /// <summary>
    /// Polly would log every call at information (with the exception's stack when a call timed out or found the
    /// circuit open). Those outcomes are expected and the delivery engine reports each once, so Polly's line per
    /// call (its outcome and time) is kept for debugging (<c>Logging__LogLevel__Polly=Debug</c>), without the
    /// line announcing it.
    /// </summary>
    private static void QuietResilienceEvents(TelemetryOptions telemetry) =>
        telemetry.SeverityProvider = args => args.Event.EventName == "PipelineExecuting"
            ? ResilienceEventSeverity.None
            : ResilienceEventSeverity.Debug;

    /// <summary>What counts against the circuit: no answer, a 5xx or a 408. A 429 is pacing's business, not a failure.</summary>
    private static bool IsFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout,
        _ => false,
    };
}
