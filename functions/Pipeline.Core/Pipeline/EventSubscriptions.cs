using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Messaging;

namespace Pipeline.Functions.Pipeline;

/// <summary>
/// One consumer of recorded events, declared by the consumer: its name (the topic's subscription), the function that
/// reads it, and the event types it takes (exact, or a prefix ending in <c>.*</c>). In Azure a subscription of the
/// <see cref="Topic"/> with <see cref="SqlFilter"/> as its only rule; locally an Azurite queue the publisher applies
/// the same filter for. Each subscription retries and dead-letters on its own, so a failing consumer delays no other.
/// </summary>
public sealed record EventSubscription(string Name, string FunctionName, IReadOnlyList<string> EventTypes)
{
    /// <summary>The topic the Recorder publishes every recorded event to, once.</summary>
    public const string Topic = "recorded";

    public bool Matches(string type) => EventTypes.Any(pattern => pattern.EndsWith(".*", StringComparison.Ordinal)
        ? type.StartsWith(pattern[..^1], StringComparison.Ordinal)
        : type == pattern);

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

    public QueueTrigger Trigger => new(Topic) { Subscription = Name };
}

/// <summary>What a consumer does with each event of its subscription. Runs again on a retry, so it must be idempotent.</summary>
public interface IEventHandler
{
    Task<InvocationResult> HandleAsync(EventEnvelope envelope, Invocation invocation, CancellationToken cancellationToken);
}

/// <summary>The function that reads one subscription and hands each event to its consumer's handler.</summary>
public sealed class SubscriptionFunction(EventSubscription subscription, IEventHandler handler) : IFunction
{
    public FunctionDefinition Definition { get; } = new(subscription.FunctionName, subscription.Trigger, []);

    public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        handler.HandleAsync(EventEnvelope.Parse(invocation.Message!), invocation, cancellationToken);
}

public static class EventSubscriptionRegistration
{
    /// <summary>
    /// Declares a consumer, as eShop's <c>AddSubscription&lt;TEvent, THandler&gt;()</c> reads: which events the
    /// <typeparamref name="THandler"/> takes, on a subscription of its own, read by a function of the given name.
    /// </summary>
    public static IServiceCollection AddEventSubscription<THandler>(this IServiceCollection services, string name,
        string functionName, params string[] eventTypes) where THandler : class, IEventHandler
    {
        var subscription = new EventSubscription(name, functionName, eventTypes);
        services.AddSingleton<THandler>();
        services.AddSingleton(subscription);
        services.AddSingleton<IFunction>(sp => new SubscriptionFunction(subscription, sp.GetRequiredService<THandler>()));
        return services;
    }
}

/// <summary>
/// What a module keeps of the events it reads (a search index, a site's record, rollups): a consumer like the
/// destinations, on a subscription of its own. Runs again on every retry and replay, so it must be idempotent.
/// </summary>
public interface IEventProjection
{
    /// <summary>A finer test than the subscription's type filter (an identified visitor's init, say).</summary>
    bool Applies(EventEnvelope envelope);

    Task ProjectAsync(EventEnvelope envelope, CancellationToken cancellationToken);
}

public sealed class ProjectionHandler<TProjection>(TProjection projection) : IEventHandler where TProjection : IEventProjection
{
    public async Task<InvocationResult> HandleAsync(EventEnvelope envelope, Invocation invocation, CancellationToken cancellationToken)
    {
        if (!projection.Applies(envelope)) return InvocationResult.Done();
        await projection.ProjectAsync(envelope, cancellationToken);
        return InvocationResult.Done().Log($"projected {envelope.Type} {envelope.Id}");
    }
}

public static class ProjectionRegistration
{
    /// <summary>A projection on its own subscription, read by <paramref name="functionName"/>.</summary>
    public static IServiceCollection AddProjection<TProjection>(this IServiceCollection services, string name,
        string functionName, params string[] eventTypes) where TProjection : class, IEventProjection
    {
        services.AddSingleton<TProjection>();
        return services.AddEventSubscription<ProjectionHandler<TProjection>>(name, functionName, eventTypes);
    }
}
