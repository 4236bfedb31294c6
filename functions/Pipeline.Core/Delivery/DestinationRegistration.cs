using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pipeline.Functions.Delivery;

/// <summary>
/// A destination an operator may replay events to, by its delivery records' name, which is also its subscription's:
/// a replayed event goes to the topic addressed to that subscription only.
/// </summary>
public sealed record ReplayableDestination(string Name);

/// <summary>One record type of a destination's subscription: each event through the delivery engine, to its handler.</summary>
public sealed class DeliveryRoute<TEvent>(DeliveryEngine engine, IDestination destination, IDeliveryHandler<TEvent> handler)
    : IEventHandler<TEvent>
{
    public Task<FunctionResult> HandleAsync(TEvent @event, EventEnvelope envelope, Invocation invocation, CancellationToken cancellationToken) =>
        handler.Accepts(@event)
            ? engine.DeliverAsync(destination, envelope, token => handler.DeliverAsync(@event, envelope, token), invocation, cancellationToken)
            : Task.FromResult(FunctionResult.Done().Log($"{envelope.Type} {envelope.Id}: nothing for {destination.Name}"));
}

/// <summary>A destination's subscription: <see cref="AddSubscription{TEvent, THandler}"/> routes a record type to its handler.</summary>
public sealed class DestinationBuilder<TDestination>(IServiceCollection services, EventSubscription subscription)
    : EventSubscriptionBuilder(services, subscription) where TDestination : class, IDestination
{
    public DestinationBuilder<TDestination> AddSubscription<TEvent, THandler>(params string[] only)
        where TEvent : IRecordedEvent<TEvent> where THandler : class, IDeliveryHandler<TEvent>
    {
        Services.TryAddSingleton<THandler>();
        Route<TEvent>(sp => new DeliveryRoute<TEvent>(sp.GetRequiredService<DeliveryEngine>(), sp.GetRequiredService<TDestination>(),
            sp.GetRequiredService<THandler>()), only);
        return this;
    }
}

public static class DestinationRegistration
{
    /// <summary>
    /// A destination, in its module: its subscription (read by the module's <c>[Function]</c>), whose events its
    /// <c>AddSubscription&lt;TEvent, THandler&gt;()</c> calls name, delivered through the engine, and replayable from
    /// the admin API under <paramref name="name"/>, which is also the subscription's name and the delivery records'.
    /// </summary>
    public static DestinationBuilder<TDestination> AddDestination<TDestination>(this IServiceCollection services, string name)
        where TDestination : class, IDestination
    {
        services.AddSingleton<TDestination>();
        var subscription = services.AddEventSubscription(name).Subscription;
        services.AddSingleton(new ReplayableDestination(name));
        return new DestinationBuilder<TDestination>(services, subscription);
    }
}
