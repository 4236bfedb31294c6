namespace Pipeline.Functions.Hosting;

/// <summary>
/// A Service Bus entity a function is triggered by: a queue (<paramref name="Name"/>), or a topic
/// (<paramref name="Name"/>) and one of its subscriptions.
/// </summary>
public sealed record MessagingEntity(string Name, string? Subscription = null)
{
    public bool IsSubscription => Subscription is not null;

    /// <summary>The Azurite storage queue that stands in for the entity on the local host.</summary>
    public string LocalQueue => Subscription is null ? Name : $"{Name}-{Subscription}";

    /// <summary>How operators and the admin API name it: <c>queue</c>, or <c>topic/subscriptions/subscription</c> (Service Bus's own path form).</summary>
    public string DisplayName => Subscription is null ? Name : $"{Name}/subscriptions/{Subscription}";

    public override string ToString() => DisplayName;

    /// <summary>The entity a queue trigger reads; the one place that maps a trigger to its entity.</summary>
    public static MessagingEntity Of(MessageTrigger trigger) => new(trigger.QueueName, trigger.Subscription);
}

/// <summary>Every entity the app's functions are triggered by, read from the function catalog (the single declaration).</summary>
public sealed class MessagingEntities
{
    private readonly Lazy<IReadOnlyList<MessagingEntity>> _all;

    public MessagingEntities(Func<IEnumerable<MessagingEntity>> declared) =>
        _all = new Lazy<IReadOnlyList<MessagingEntity>>(() => declared()
            .Distinct()
            .OrderBy(e => e.DisplayName, StringComparer.Ordinal)
            .ToList());

    public IReadOnlyList<MessagingEntity> All => _all.Value;

    /// <summary>By its display name, or a subscription by its consumer's name alone (<c>intercom</c>).</summary>
    public MessagingEntity? Find(string name) =>
        All.FirstOrDefault(e => string.Equals(e.DisplayName, name, StringComparison.Ordinal))
        ?? All.FirstOrDefault(e => string.Equals(e.Subscription, name, StringComparison.Ordinal));

    public static IEnumerable<MessagingEntity> Declared(FunctionCatalog catalog) =>
        catalog.WithTrigger<MessageTrigger>().Select(f => MessagingEntity.Of(f.Trigger));

    // The catalog is resolved on first use: it holds every function, and functions that read this list among them.
    public static MessagingEntities From(IServiceProvider services) =>
        new(() => Declared(services.GetRequiredService<FunctionCatalog>()));
}

/// <summary>Where the entities live for this process.</summary>
public enum MessageBroker
{
    /// <summary>The local host: Azurite storage queues, <c>&lt;queue&gt;-poison</c> for dead letters.</summary>
    StorageQueues,

    /// <summary>Behind the Functions host with <c>ServiceBusConnection</c> settings.</summary>
    ServiceBus,

    /// <summary>Behind the Functions host without them: the host triggers on Service Bus, the app cannot look.</summary>
    Unreachable,
}

public static class MessageBrokers
{
    public static MessageBroker Of(IConfiguration configuration) =>
        !FunctionsHost.IsCustomHandler(configuration) ? MessageBroker.StorageQueues
        : ServiceBusRegistration.IsConfigured(configuration) ? MessageBroker.ServiceBus
        : MessageBroker.Unreachable;
}
