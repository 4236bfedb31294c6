using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;

namespace Pipeline.Functions.Messaging;

/// <summary>
/// Sends through Azure.Messaging.ServiceBus: <c>MessageId</c> as given (the broker's duplicate detection drops a
/// copy), the type as <c>Subject</c> and every property as an application property (subscription filters read
/// <c>type</c> and <c>deliverTo</c>), the trace context as <c>Diagnostic-Id</c>, and a schedule as
/// <c>ScheduledEnqueueTime</c>.
/// </summary>
public sealed class ServiceBusPublisher(ServiceBusClient client) : IMessagePublisher, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new();

    public async Task SendAsync(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        var sender = _senders.GetOrAdd(entity, client.CreateSender);
        if (messages.Count == 1)
        {
            await sender.SendMessageAsync(ToServiceBus(messages[0]), cancellationToken);
            return;
        }
        // A batch keeps many messages (a replay page) to a few round trips, within the entity's size limit.
        var pending = new Queue<ServiceBusMessage>(messages.Select(ToServiceBus));
        while (pending.Count > 0)
        {
            using var batch = await sender.CreateMessageBatchAsync(cancellationToken);
            while (pending.Count > 0 && batch.TryAddMessage(pending.Peek())) pending.Dequeue();
            if (batch.Count == 0) await sender.SendMessageAsync(pending.Dequeue(), cancellationToken); // too large for a batch: alone
            else await sender.SendMessagesAsync(batch, cancellationToken);
        }
    }

    public static ServiceBusMessage ToServiceBus(OutgoingMessage message)
    {
        var sent = new ServiceBusMessage(BinaryData.FromString(message.Body))
        {
            MessageId = message.MessageId,
            ContentType = "application/json",
        };
        foreach (var (name, value) in message.Properties) sent.ApplicationProperties[name] = value;
        if (message.Properties.TryGetValue(MessageProperties.Type, out var type)) sent.Subject = type;
        if (message.Properties.TryGetValue(MessageProperties.Traceparent, out var traceparent))
            sent.ApplicationProperties["Diagnostic-Id"] = traceparent;
        if (message.ScheduledFor is { } at) sent.ScheduledEnqueueTime = at;
        return sent;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders.Values) await sender.DisposeAsync();
    }
}
