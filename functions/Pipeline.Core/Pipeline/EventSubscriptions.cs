using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Messaging;

namespace Pipeline.Functions.Pipeline;

/// <summary>
/// One consumer of recorded events, declared by the consumer: its name (the topic's subscription), the function that
/// reads it, and the event types it takes (exact, or a prefix ending in <c>.*</c>), which are the types of the records
/// it subscribed to. In Azure a subscription of the <see cref="Topic"/> with <see cref="SqlFilter"/> as its only rule;
/// locally an Azurite queue the publisher applies the same filter for. Each subscription retries and dead-letters on
/// its own, so a failing consumer delays no other.
/// </summary>
public sealed class EventSubscription(string name, string functionName)
{
    /// <summary>The topic the Recorder publishes every recorded event to, once.</summary>
    public const string Topic = "recorded";

    private readonly List<EventRoute> _routes = [];

    public string Name { get; } = name;
    public string FunctionName { get; } = functionName;
    public IReadOnlyList<string> EventTypes => _routes.SelectMany(r => r.EventTypes).Distinct(StringComparer.Ordinal).ToList();
    public IReadOnlyList<EventRoute> Routes => _routes;

    internal void Add(EventRoute route) => _routes.Add(route);

    public bool Matches(string type) => EventTypes.Any(pattern => Matches(pattern, type));

    public static bool Matches(string pattern, string type) => pattern.EndsWith(".*", StringComparison.Ordinal)
        ? type.StartsWith(pattern[..^1], StringComparison.Ordinal)
        : type == pattern;

    /// <summary>What the subscription's filter rule lets through: a message addressed to it, or one of its types.</summary>
    public bool Accepts(IReadOnlyDictionary<string, string> properties) =>
        properties.TryGetValue(MessageProperties.To, out var to)
            ? to == Name
            : properties.TryGetValue(MessageProperties.Type, out var type) && Matches(type);

    /// <summary>The same rule as a Service Bus SQL filter (the template's subscription rule).</summary>
    public string SqlFilter
    {
        get
        {
            var types = string.Join(" OR ", EventTypes.Select(p => p.EndsWith(".*", StringComparison.Ordinal)
                ? $"{MessageProperties.Type} LIKE '{p[..^1]}%'"
                : $"{MessageProperties.Type} = '{p}'"));
            return $"({MessageProperties.To} IS NULL AND ({types})) OR {MessageProperties.To} = '{Name}'";
        }
    }

    public MessageTrigger Trigger => new(Topic) { Subscription = Name };
}

/// <summary>One record type of a subscription and what handles it: the record read from the envelope, then its handler.</summary>
public sealed record EventRoute(IReadOnlyList<string> EventTypes,
    Func<IServiceProvider, EventEnvelope, Invocation, CancellationToken, Task<InvocationResult>> Handle)
{
    /// <param name="only">Some of the record's types, where the consumer wants no others (the filter then lets no
    /// others through); none: all of them.</param>
    public static EventRoute For<TEvent>(Func<IServiceProvider, IEventHandler<TEvent>> handler, IReadOnlyList<string> only)
        where TEvent : IRecordedEvent<TEvent>
    {
        static string Probe(string type) => type.EndsWith(".*", StringComparison.Ordinal) ? type[..^1] + "x" : type;
        if (only.FirstOrDefault(type => !TEvent.EventTypes.Any(pattern => EventSubscription.Matches(pattern, Probe(type)))) is { } stray)
            throw new ArgumentException($"{stray} is not a type of {typeof(TEvent).Name} ({string.Join(", ", TEvent.EventTypes)})");
        return new(only.Count > 0 ? only : TEvent.EventTypes, (services, envelope, invocation, cancellationToken) =>
            handler(services).HandleAsync(TEvent.Read(envelope), envelope, invocation, cancellationToken));
    }
}

/// <summary>
/// What a consumer does with each event of one record type. Runs again on a retry or a replay, so it must be
/// idempotent. Destinations and projections have their own forms (<c>IDeliveryHandler</c>, <see cref="IEventProjection{TEvent}"/>).
/// </summary>
public interface IEventHandler<in TEvent>
{
    Task<InvocationResult> HandleAsync(TEvent @event, EventEnvelope envelope, Invocation invocation, CancellationToken cancellationToken);
}

/// <summary>The function that reads one subscription and hands each event, as its record, to the handler of its type.</summary>
public sealed class SubscriptionFunction(EventSubscription subscription, IServiceProvider services) : IFunction
{
    public FunctionBindings Definition { get; } = new(subscription.FunctionName, subscription.Trigger, []);

    public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var envelope = EventEnvelope.Parse(invocation.Message!);
        // A replay or requeue addressed to this subscription may carry a type it does not read.
        return subscription.Routes.FirstOrDefault(r => r.EventTypes.Any(p => EventSubscription.Matches(p, envelope.Type))) is { } route
            ? route.Handle(services, envelope, invocation, cancellationToken)
            : Task.FromResult(InvocationResult.Done().Log($"{envelope.Type} {envelope.Id}: nothing for {subscription.Name}"));
    }
}

/// <summary>Declares a consumer's subscription, one record type at a time (eShop's <c>AddSubscription&lt;TEvent, THandler&gt;()</c>).</summary>
public class EventSubscriptionBuilder(IServiceCollection services, EventSubscription subscription)
{
    public IServiceCollection Services { get; } = services;
    public EventSubscription Subscription { get; } = subscription;

    /// <summary>Routes the records of <typeparamref name="TEvent"/> (or only the types given) to the handler the factory gives.</summary>
    public void Route<TEvent>(Func<IServiceProvider, IEventHandler<TEvent>> handler, params string[] only)
        where TEvent : IRecordedEvent<TEvent> =>
        Subscription.Add(EventRoute.For(handler, only));
}

public static class EventSubscriptionRegistration
{
    /// <summary>
    /// A consumer's own subscription of the recorded events, read by a function of the given name. Which events it
    /// takes is what its <c>AddSubscription&lt;TEvent, THandler&gt;()</c> calls add.
    /// </summary>
    public static EventSubscriptionBuilder AddEventSubscription(this IServiceCollection services, string name, string functionName)
    {
        var subscription = new EventSubscription(name, functionName);
        services.AddSingleton(subscription);
        services.AddSingleton<IFunction>(sp => new SubscriptionFunction(subscription, sp));
        return new EventSubscriptionBuilder(services, subscription);
    }

    public static EventSubscriptionBuilder AddSubscription<TEvent, THandler>(this EventSubscriptionBuilder builder, params string[] only)
        where TEvent : IRecordedEvent<TEvent> where THandler : class, IEventHandler<TEvent>
    {
        builder.Services.TryAddSingleton<THandler>();
        builder.Route<TEvent>(sp => sp.GetRequiredService<THandler>(), only);
        return builder;
    }
}

/// <summary>
/// What a module keeps of the events it reads (a search index, a site's record, rollups): a consumer like the
/// destinations, on a subscription of its own. Runs again on every retry and replay, so it must be idempotent.
/// </summary>
public interface IEventProjection<in TEvent>
{
    Task ProjectAsync(TEvent @event, EventEnvelope envelope, CancellationToken cancellationToken);
}

/// <summary>A projection's subscription: <see cref="AddSubscription{TEvent, TProjection}"/> routes a record type to it.</summary>
public sealed class ProjectionBuilder(IServiceCollection services, EventSubscription subscription)
    : EventSubscriptionBuilder(services, subscription)
{
    public ProjectionBuilder AddSubscription<TEvent, TProjection>(params string[] only)
        where TEvent : IRecordedEvent<TEvent> where TProjection : class, IEventProjection<TEvent>
    {
        Services.TryAddSingleton<TProjection>();
        Route<TEvent>(sp => new ProjectionHandler<TEvent>(sp.GetRequiredService<TProjection>()), only);
        return this;
    }
}

public sealed class ProjectionHandler<TEvent>(IEventProjection<TEvent> projection) : IEventHandler<TEvent>
{
    public async Task<InvocationResult> HandleAsync(TEvent @event, EventEnvelope envelope, Invocation invocation, CancellationToken cancellationToken)
    {
        await projection.ProjectAsync(@event, envelope, cancellationToken);
        return InvocationResult.Done().Log($"projected {envelope.Type} {envelope.Id}");
    }
}

public static class ProjectionRegistration
{
    /// <summary>A projection on its own subscription, read by <paramref name="functionName"/>.</summary>
    public static ProjectionBuilder AddProjection(this IServiceCollection services, string name, string functionName)
    {
        var builder = services.AddEventSubscription(name, functionName);
        return new ProjectionBuilder(services, builder.Subscription);
    }
}
