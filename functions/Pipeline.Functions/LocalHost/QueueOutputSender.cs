using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Storage;

namespace Pipeline.Functions.LocalHost;

/// <summary>Writes a function's queue outputs to the Azurite queues that stand in for the Service Bus queues.</summary>
public sealed class QueueOutputSender(StorageAccount storage)
{
    private readonly ConcurrentDictionary<string, QueueClient> _queues = new();

    public QueueClient Queue(string name) => _queues.GetOrAdd(name, storage.Queues.GetQueueClient);

    public async Task SendAsync(FunctionDefinition definition, InvocationResult result, CancellationToken cancellationToken)
    {
        foreach (var output in definition.QueueOutputs)
        {
            if (!result.Messages.TryGetValue(output.BindingName, out var messages)) continue;
            var queue = Queue(output.QueueName);
            await Task.WhenAll(messages.Select(m => queue.SendMessageAsync(m.GetRawText(), cancellationToken)));
        }
    }
}
