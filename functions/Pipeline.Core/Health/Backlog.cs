using Azure;
using Azure.Messaging.ServiceBus.Administration;

namespace Pipeline.Functions.Health;

/// <summary>
/// What waits on an entity: messages ready or being processed (<paramref name="Active"/>), messages due later
/// (<paramref name="Scheduled"/>, retries among them) and dead letters. Null is "this broker cannot tell", said in
/// <paramref name="Note"/>.
/// </summary>
public sealed record EntityBacklog(long? Active, long? Scheduled, long? DeadLettered, string? Note = null)
{
    /// <summary>What has not been handled yet; growth of this is what health watches.</summary>
    public long Waiting => (Active ?? 0) + (Scheduled ?? 0);
}

/// <summary>Reads an entity's backlog from the broker's own counters (never by receiving).</summary>
public interface IBacklogReader
{
    Task<EntityBacklog> ReadAsync(MessagingEntity entity, CancellationToken cancellationToken);
}

/// <summary>The local host's backlog: the approximate message counts of the entity's Azurite queue and of its poison queue.</summary>
public sealed class StorageQueueBacklog(StorageAccount storage) : IBacklogReader
{
    public const string Note = "storage queues count delayed retries and messages being processed as active: scheduled is unknown";

    public async Task<EntityBacklog> ReadAsync(MessagingEntity entity, CancellationToken cancellationToken)
    {
        var active = await CountAsync(entity.LocalQueue, cancellationToken);
        var deadLettered = await CountAsync(QueueNames.Poison(entity.LocalQueue), cancellationToken);
        return new EntityBacklog(active, null, deadLettered, Note);
    }

    private async Task<long> CountAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            return (await storage.Queues.GetQueueClient(queue).GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0; // not created yet: nothing was ever sent to it
        }
    }
}

/// <summary>Service Bus runtime properties of a queue, or of a subscription.</summary>
public sealed class ServiceBusBacklog(ServiceBusAdministrationClient administration) : IBacklogReader
{
    public const string SubscriptionNote = "scheduled messages wait on the topic until due: Service Bus does not count them per subscription";

    public async Task<EntityBacklog> ReadAsync(MessagingEntity entity, CancellationToken cancellationToken)
    {
        if (entity.Subscription is { } subscription)
        {
            var properties = (await administration.GetSubscriptionRuntimePropertiesAsync(entity.Name, subscription, cancellationToken)).Value;
            return new EntityBacklog(properties.ActiveMessageCount, null, properties.DeadLetterMessageCount, SubscriptionNote);
        }
        var queue = (await administration.GetQueueRuntimePropertiesAsync(entity.Name, cancellationToken)).Value;
        return new EntityBacklog(queue.ActiveMessageCount, queue.ScheduledMessageCount, queue.DeadLetterMessageCount);
    }
}

/// <summary>Behind the Functions host without <c>ServiceBusConnection</c> settings there is no broker to ask.</summary>
public sealed class UnknownBacklog : IBacklogReader
{
    public const string Note = $"{ServiceBusRegistration.ConnectionSetting} is not set: the Service Bus backlog cannot be read";

    public Task<EntityBacklog> ReadAsync(MessagingEntity entity, CancellationToken cancellationToken) =>
        Task.FromResult(new EntityBacklog(null, null, null, Note));
}
