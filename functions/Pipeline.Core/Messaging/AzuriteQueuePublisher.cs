using System.Collections.Concurrent;
using Azure.Storage.Queues;

namespace Pipeline.Functions.Messaging;

/// <summary>
/// The local stand-in for Service Bus sends: a queue is the Azurite queue of its name; a topic is one Azurite queue
/// per subscription (<c>{topic}-{subscription}</c>), each getting the messages its filter accepts, as the topic's
/// rules would. A scheduled message is sent invisible until its time (the queue's visibility delay). Azurite has no
/// duplicate detection: a copy Service Bus would drop is delivered again here, which the consumers' idempotence absorbs.
/// </summary>
public sealed class AzuriteQueuePublisher(StorageAccount storage, IEnumerable<EventSubscription> subscriptions, TimeProvider clock)
    : IMessagePublisher
{
    private readonly EventSubscription[] _subscriptions = subscriptions.ToArray();
    private readonly ConcurrentDictionary<string, QueueClient> _queues = new();

    public QueueClient Queue(string name) => _queues.GetOrAdd(name, storage.Queues.GetQueueClient);

    public Task SendAsync(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var sends = new List<Task>();
        foreach (var message in messages)
        {
            var text = LocalMessageFrame.Wrap(message);
            // Azure Storage takes whole seconds and would drop a fraction: rounded up, never before the time.
            var delay = message.ScheduledFor is { } at && at > now ? TimeSpan.FromSeconds(Math.Ceiling((at - now).TotalSeconds)) : (TimeSpan?)null;
            foreach (var queue in QueuesFor(entity, message))
                sends.Add(Queue(queue).SendMessageAsync(text, delay, cancellationToken: cancellationToken));
        }
        return Task.WhenAll(sends);
    }

    /// <summary>A body in the ASCII frame Azurite is sent (<see cref="LocalMessageFrame"/>).</summary>
    public int BytesOnQueue(string body) => LocalMessageFrame.FramedBytes(body);

    private IEnumerable<string> QueuesFor(string entity, OutgoingMessage message) => entity == EventSubscription.Topic
        ? _subscriptions.Where(s => s.Accepts(message.Properties)).Select(s => s.Trigger.LocalQueue)
        : [entity];
}
