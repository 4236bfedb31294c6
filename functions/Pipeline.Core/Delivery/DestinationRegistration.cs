using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Pipeline;

namespace Pipeline.Functions.Delivery;

/// <summary>A destination an operator may replay events to: its delivery records' name and where a replayed event goes.</summary>
public sealed record ReplayableDestination(string Name, QueueOutput Queue);

/// <summary>A destination's consumer: each event of its subscription through the delivery engine.</summary>
public sealed class DeliveryHandler<TDestination>(DeliveryEngine engine, TDestination destination) : IEventHandler
    where TDestination : IDestination
{
    public Task<InvocationResult> HandleAsync(EventEnvelope envelope, Invocation invocation, CancellationToken cancellationToken) =>
        destination.Accepts(envelope)
            ? engine.DeliverAsync(destination, envelope, invocation, cancellationToken)
            : Task.FromResult(InvocationResult.Done().Log($"{envelope.Type} {envelope.Id}: nothing for {destination.Name}"));
}

public static class DestinationRegistration
{
    /// <summary>
    /// A destination, in one line of its module: the events it takes (its subscription, read by
    /// <paramref name="functionName"/>), delivered through the engine, and replayable from the admin API under its
    /// <see cref="IDestination.Name"/>, which is also the subscription's name.
    /// </summary>
    public static IServiceCollection AddDestination<TDestination>(this IServiceCollection services, string name,
        string functionName, params string[] eventTypes) where TDestination : class, IDestination
    {
        services.AddSingleton<TDestination>();
        services.AddEventSubscription<DeliveryHandler<TDestination>>(name, functionName, eventTypes);
        services.AddSingleton(new ReplayableDestination(name,
            new QueueOutput("replay_" + name.Replace('-', '_'), EventSubscription.Topic) { To = name }));
        return services;
    }
}
