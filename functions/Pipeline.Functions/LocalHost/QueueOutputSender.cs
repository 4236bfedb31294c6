using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Storage;

namespace Pipeline.Functions.LocalHost;

/// <summary>Writes a function's queue outputs to the Azurite queues that stand in for the Service Bus queues.</summary>
public sealed class QueueOutputSender(StorageAccount storage, StorageReadiness readiness)
{
    // A request that arrives while the queues are still being created waits this long before it is refused.
    private static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, QueueClient> _queues = new();

    public QueueClient Queue(string name) => _queues.GetOrAdd(name, storage.Queues.GetQueueClient);

    public async Task SendAsync(FunctionDefinition definition, InvocationResult result, CancellationToken cancellationToken)
    {
        if (result.Messages.Count == 0) return;
        await readiness.Ready.WaitAsync(StartupWait, cancellationToken);
        foreach (var output in definition.QueueOutputs)
        {
            if (!result.Messages.TryGetValue(output.BindingName, out var messages)) continue;
            var queue = Queue(output.QueueName);
            await Task.WhenAll(messages.Select(m => queue.SendMessageAsync(m.GetRawText(), cancellationToken)));
        }
    }
}
