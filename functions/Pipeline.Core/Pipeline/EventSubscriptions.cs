using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Functions.Messaging;

namespace Pipeline.Functions.Pipeline;

/// <summary>
/// One consumer of recorded events, declared by the consumer: its name (the topic's subscription) and the event types
/// it takes (exact, or a prefix ending in <c>.*</c>), which are the types of the records it subscribed to. The
/// consumer's module reads it with a <c>[Function]</c> of its own (<see cref="EventSubscriptions"/>). In Azure a
/// subscription of the <see cref="Topic"/> with <see cref="SqlFilter"/> as its only rule;
/// locally an Azurite queue the publisher applies the same filter for. Each subscription retries and dead-letters on
/// its own, so a failing consumer delays no other.
/// </summary>
public sealed class EventSubscription(string name)
{
    /// <summary>The topic the Recorder publishes every recorded event to, once.</summary>
    public const string Topic = "recorded";

    private readonly List<EventRoute> _routes = [];

    public string Name { get; } = name;
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

    /// <summary>The route of an event's type; none for a replay or requeue addressed here with a type it does not read.</summary>
    public EventRoute? RouteOf(string type) => _routes.FirstOrDefault(r => r.EventTypes.Any(p => Matches(p, type)));
}

/// <summary>One record type of a subscription and what handles it: the record read from the envelope, then its handler.</summary>
public sealed record EventRoute(IReadOnlyList<string> EventTypes,
    Func<IServiceProvider, EventEnvelope, Invocation, CancellationToken, Task<FunctionResult>> Handle)
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
    Task<FunctionResult> HandleAsync(TEvent @event, EventEnvelope envelope, Invocation invocation, CancellationToken cancellationToken);
}

/// <summary>
/// The subscriptions the consumers declared, for the <c>[Function]</c> each consumer's module reads its own with
/// (<c>[ServiceBusTrigger(EventSubscription.Topic, "name")] string message</c>): every message is handed here, and
/// the event goes, as its record, to the handler its <c>AddSubscription&lt;TEvent, THandler&gt;()</c> named.
/// </summary>
public sealed class EventSubscriptions(IEnumerable<EventSubscription> subscriptions, IServiceProvider services)
{
    private readonly Dictionary<string, EventSubscription> _byName = subscriptions.ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>
    /// Hands one message of the subscription to its route. The handler's lines are the invocation's logs; a failure
    /// is the handler's (<see cref="RetryLaterException"/> for the retry model), thrown on.
    /// </summary>
    public async Task HandleAsync(string subscriptionName, string message, FunctionContext context)
    {
        var subscription = _byName.GetValueOrDefault(subscriptionName)
                           ?? throw new InvalidOperationException($"no subscription named '{subscriptionName}' is declared");
        var envelope = EventEnvelope.Parse(message);
        var logger = context.GetLogger(context.FunctionDefinition.Name);
        if (subscription.RouteOf(envelope.Type) is not { } route)
        {
            logger.LogInformation("{Line}", $"{envelope.Type} {envelope.Id}: nothing for {subscription.Name}");
            return;
        }
        var result = await route.Handle(services, envelope, Delivery(message, context), context.CancellationToken);
        foreach (var line in result.Logs) logger.LogInformation("{Line}", line);
    }

    /// <summary>The message as the handlers read it: its attempt and properties are the invocation's binding data.</summary>
    private static Invocation Delivery(string message, FunctionContext context)
    {
        var data = context.BindingContext.BindingData;
        return new Invocation
        {
            FunctionName = context.FunctionDefinition.Name,
            Message = message,
            DeliveryCount = data.GetValueOrDefault("DeliveryCount") as int? ?? 1,
            MessageId = data.GetValueOrDefault("MessageId") as string,
            Properties = data.GetValueOrDefault("ApplicationProperties") as IReadOnlyDictionary<string, string>
                         ?? new Dictionary<string, string>(),
            Attempt = data.GetValueOrDefault("Attempt") as int? ?? 1,
            IsLastAttempt = data.GetValueOrDefault("IsLastAttempt") as bool? ?? false,
        };
    }

    /// <summary>
    /// Fails the start unless every declared subscription is read by exactly one function and every function on the
    /// topic reads a declared one: a subscription nobody reads would only fill up, and a function whose subscription
    /// no module declared would get nothing (a subscription's filter is made from its declaration).
    /// </summary>
    public static FunctionCatalog CheckReadBy(FunctionCatalog catalog, IEnumerable<EventSubscription> subscriptions)
    {
        var readers = catalog.WithTrigger<MessageTrigger>()
            .Where(f => f.Trigger.QueueName == EventSubscription.Topic && f.Trigger.Subscription is not null)
            .ToLookup(f => f.Trigger.Subscription!, f => f.Function.Definition.Name, StringComparer.Ordinal);
        var declared = subscriptions.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var name in declared.Order(StringComparer.Ordinal))
        {
            var functions = readers[name].ToList();
            if (functions.Count == 0)
                problems.Add($"the subscription '{name}' is read by no function: its module declares one with " +
                             $"[ServiceBusTrigger(\"{EventSubscription.Topic}\", \"{name}\")]");
            else if (functions.Count > 1)
                problems.Add($"the subscription '{name}' is read by {string.Join(" and ", functions)}: one function reads a subscription");
        }
        foreach (var stray in readers.Where(r => !declared.Contains(r.Key)))
            problems.Add($"{string.Join(" and ", stray)} read(s) the subscription '{stray.Key}', which no module declares " +
                         "(AddEventSubscription, AddDestination or AddProjection)");
        return problems.Count == 0
            ? catalog
            : throw new InvalidOperationException($"The topic '{EventSubscription.Topic}' and its functions do not match: {string.Join("; ", problems)}.");
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
    /// A consumer's own subscription of the recorded events. Which events it takes is what its
    /// <c>AddSubscription&lt;TEvent, THandler&gt;()</c> calls add; its module's <c>[Function]</c> reads it and hands
    /// each message to <see cref="EventSubscriptions"/>.
    /// </summary>
    public static EventSubscriptionBuilder AddEventSubscription(this IServiceCollection services, string name)
    {
        var subscription = new EventSubscription(name);
        services.AddSingleton(subscription);
        services.TryAddSingleton<EventSubscriptions>();
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
    public async Task<FunctionResult> HandleAsync(TEvent @event, EventEnvelope envelope, Invocation invocation, CancellationToken cancellationToken)
    {
        await projection.ProjectAsync(@event, envelope, cancellationToken);
        return FunctionResult.Done().Log($"projected {envelope.Type} {envelope.Id}");
    }
}

public static class ProjectionRegistration
{
    /// <summary>A projection on its own subscription, read by its module's <c>[Function]</c>.</summary>
    public static ProjectionBuilder AddProjection(this IServiceCollection services, string name)
    {
        var builder = services.AddEventSubscription(name);
        return new ProjectionBuilder(services, builder.Subscription);
    }
}
