using Azure.Storage.Queues;

namespace Pipeline.Testing;

/// <summary>
/// Plays the Functions host's Service Bus trigger against a custom handler, with the Azurite queues the handler's
/// publisher writes standing in for the entities: it hands each visible message to the function as the host does
/// (body, <c>DeliveryCount</c>, <c>MessageId</c>, application properties), completes it on a 2xx, and on anything else
/// makes it available again <b>at once</b>, as Service Bus abandons a failed invocation's message, until
/// <see cref="MaxDeliveryCount"/> deliveries, when it is dead-lettered (kept in <see cref="DeadLettered"/>).
/// </summary>
public sealed class ServiceBusHostDriver(PublishedHandler handler, string storage)
{
    public const int MaxDeliveryCount = 10;

    public List<(string MessageId, string Reason)> DeadLettered { get; } = [];
    public int Invocations { get; private set; }

    private QueueClient Queue(string name) =>
        new QueueServiceClient(storage, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }).GetQueueClient(name);

    /// <summary>Delivers what is visible on <paramref name="trigger"/>'s entity until <paramref name="until"/> says stop.</summary>
    public async Task RunAsync(FunctionBindings function, Func<Task<bool>> until, TimeSpan timeout)
    {
        var trigger = (MessageTrigger)function.Trigger;
        var queue = Queue(trigger.LocalQueue);
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!await until())
        {
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"{function.Name}: not done within {timeout}");
            var batch = (await queue.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(30))).Value;
            if (batch.Length == 0)
            {
                await Task.Delay(100);
                continue;
            }
            foreach (var message in batch)
            {
                var framed = LocalMessageFrame.Unwrap(message.Body.ToString());
                Invocations++;
                var answer = await handler.InvokeAsync(function.Name, HostPayloads.ServiceBus(function.Name, trigger.BindingName,
                    framed.Body, deliveryCount: (int)message.DequeueCount, messageId: framed.MessageId, properties: framed.Properties));
                if (answer.Status is >= 200 and < 300)
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                else if (message.DequeueCount >= MaxDeliveryCount)
                {
                    DeadLettered.Add((framed.MessageId ?? message.MessageId, $"MaxDeliveryCountExceeded: {answer.Text}"));
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
                else
                    await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
            }
        }
    }

    /// <summary>Takes the one message on a queue (waiting for it), unwrapped.</summary>
    public Task<LocalMessageFrame.Unwrapped> TakeAsync(string localQueue, TimeSpan timeout) =>
        SentMessages.TakeAsync(storage, localQueue, timeout);
}

/// <summary>What the app sent to the Azurite queues that stand in for Service Bus, as the broker would hand it over.</summary>
public static class SentMessages
{
    private static QueueClient Queue(string storage, string name) =>
        new QueueServiceClient(storage, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }).GetQueueClient(name);

    /// <summary>Takes the one message on a queue (waiting for it), unwrapped.</summary>
    public static async Task<LocalMessageFrame.Unwrapped> TakeAsync(string storage, string localQueue, TimeSpan timeout)
    {
        var queue = Queue(storage, localQueue);
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var received = (await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30))).Value;
            if (received.Length == 1)
            {
                await queue.DeleteMessageAsync(received[0].MessageId, received[0].PopReceipt);
                return LocalMessageFrame.Unwrap(received[0].Body.ToString());
            }
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"nothing arrived on {localQueue}");
            await Task.Delay(100);
        }
    }

    /// <summary>The first visible message on a queue that <paramref name="matches"/> (waiting for it), left where it is.</summary>
    public static async Task<LocalMessageFrame.Unwrapped> FindAsync(string storage, string localQueue,
        Func<LocalMessageFrame.Unwrapped, bool> matches, TimeSpan? timeout = null)
    {
        var queue = Queue(storage, localQueue);
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var found = (await queue.PeekMessagesAsync(32)).Value.Select(m => LocalMessageFrame.Unwrap(m.Body.ToString()))
                .FirstOrDefault(matches);
            if (found is not null) return found;
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"no such message on {localQueue}");
            await Task.Delay(100);
        }
    }
}
