using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Storage;

namespace Pipeline.Functions.Operations;

/// <summary>Messages a queue gave up on, with the reasons, and a way to send them back.</summary>
public interface IDeadLetters
{
    /// <summary>Whether this host can read its dead letters (the local host can; see the README for Azure).</summary>
    bool Supported { get; }

    IReadOnlyList<string> Queues { get; }

    Task<JsonObject> ListAsync(string queue, int max, CancellationToken cancellationToken);

    /// <returns>How many were sent back; <paramref name="messageIds"/> null sends back every one.</returns>
    Task<JsonObject> RequeueAsync(string queue, IReadOnlySet<string>? messageIds, CancellationToken cancellationToken);
}

/// <summary>
/// The local host's dead letters: <c>&lt;queue&gt;-poison</c> storage queues, each message the local host's wrapper
/// (<c>{queue, function, messageId, deliveryCount, reason, deadLetteredAt, message}</c>).
/// </summary>
public sealed class PoisonQueueDeadLetters(StorageAccount storage, IServiceProvider services) : IDeadLetters
{
    private const int MaxBatches = 20;

    public bool Supported => true;

    // Resolved late: the catalog holds every function, this one's users included. A subscription is named by its
    // consumer (intercom), as in Service Bus; its Azurite queue is recorded-intercom.
    private Dictionary<string, string> LocalQueues => services.GetRequiredService<FunctionCatalog>().WithTrigger<QueueTrigger>()
        .DistinctBy(f => f.Trigger.LocalQueue)
        .ToDictionary(f => f.Trigger.Subscription ?? f.Trigger.QueueName, f => f.Trigger.LocalQueue, StringComparer.Ordinal);

    public IReadOnlyList<string> Queues => LocalQueues.Keys.Order(StringComparer.Ordinal).ToList();

    private string LocalQueue(string queue) => LocalQueues.GetValueOrDefault(queue, queue);

    private QueueClient Poison(string queue) => storage.Queues.GetQueueClient(QueueNames.Poison(LocalQueue(queue)));

    public async Task<JsonObject> ListAsync(string queue, int max, CancellationToken cancellationToken)
    {
        var poison = Poison(queue);
        var messages = new JsonArray();
        var count = 0;
        if (await poison.ExistsAsync(cancellationToken))
        {
            count = (await poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
            // Peeking never hides a message; it shows the oldest 32 at most.
            foreach (var peeked in (await poison.PeekMessagesAsync(Math.Min(max, 32), cancellationToken)).Value)
                messages.Add(Describe(peeked.MessageId, peeked.Body.ToString(), peeked.InsertedOn));
        }
        return new JsonObject
        {
            ["queue"] = queue,
            ["dead_letter_queue"] = poison.Name,
            ["count"] = count,
            ["messages"] = messages,
        };
    }

    public async Task<JsonObject> RequeueAsync(string queue, IReadOnlySet<string>? messageIds, CancellationToken cancellationToken)
    {
        var poison = Poison(queue);
        var target = storage.Queues.GetQueueClient(LocalQueue(queue));
        var requeued = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (!await poison.ExistsAsync(cancellationToken)) return Answer();
        for (var batch = 0; batch < MaxBatches; batch++)
        {
            var received = (await poison.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), cancellationToken)).Value;
            var fresh = received.Where(m => seen.Add(m.MessageId)).ToList();
            foreach (var message in received.Except(fresh))
                await IgnoreGone(() => poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero));
            if (fresh.Count == 0) break;
            foreach (var message in fresh)
            {
                if (messageIds is not null && !messageIds.Contains(message.MessageId))
                {
                    // Not asked for: visible again at once for the next reader.
                    await IgnoreGone(() => poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero));
                    continue;
                }
                // Sent back first, deleted second: a failure between leaves a copy in both, never in neither.
                await target.SendMessageAsync(Messaging.LocalMessageFrame.Requeued(Original(message.Body.ToString())), cancellationToken);
                await IgnoreGone(() => poison.DeleteMessageAsync(message.MessageId, message.PopReceipt));
                requeued.Add((JsonNode)message.MessageId);
            }
            if (messageIds is not null && requeued.Count == messageIds.Count) break;
        }
        return Answer();

        JsonObject Answer() => new()
        {
            ["queue"] = queue,
            ["requeued"] = requeued.Count,
            ["message_ids"] = requeued,
            ["not_found"] = messageIds is null
                ? new JsonArray()
                : new JsonArray(messageIds.Except(requeued.Select(n => n!.GetValue<string>())).Select(id => (JsonNode)id).ToArray()),
        };
    }

    private static JsonObject Describe(string messageId, string body, DateTimeOffset? insertedOn)
    {
        var described = new JsonObject { ["message_id"] = messageId };
        try
        {
            var wrapper = JsonNode.Parse(body) as JsonObject;
            described["reason"] = wrapper?["reason"]?.DeepClone();
            described["function"] = wrapper?["function"]?.DeepClone();
            described["delivery_count"] = wrapper?["deliveryCount"]?.DeepClone();
            described["dead_lettered_at"] = wrapper?["deadLetteredAt"]?.DeepClone() ?? (insertedOn is { } at ? AdminHttp.Iso(at) : null);
            var original = wrapper?["message"];
            // A framed message (LocalMessageFrame) carries the envelope as its body.
            if (original is JsonObject frame && frame.ContainsKey("$message")) original = frame["body"];
            if (original is JsonObject envelope)
            {
                described["event_id"] = envelope["id"]?.DeepClone();
                described["event_type"] = envelope["type"]?.DeepClone();
                described["subject"] = envelope["subject"]?.DeepClone();
            }
            described["message"] = original?.DeepClone();
        }
        catch (JsonException)
        {
            described["reason"] = "(not the local host's dead-letter wrapper)";
            described["message"] = body;
        }
        return described;
    }

    /// <summary>The message as it was before it was dead-lettered.</summary>
    private static string Original(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["message"] switch
            {
                JsonValue value when value.TryGetValue<string>(out var text) => text,
                { } node => node.ToJsonString(),
                null => body,
            };
        }
        catch (JsonException)
        {
            return body;
        }
    }

    private static async Task IgnoreGone(Func<Task> settle)
    {
        try
        {
            await settle();
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            // Taken by another reader meanwhile; nothing to undo.
        }
    }
}

/// <summary>
/// Behind the Azure Functions host the dead letters are Service Bus dead-letter queues, which no binding of a
/// custom handler reads; the README shows how to read and resubmit them with Service Bus Explorer.
/// </summary>
public sealed class ServiceBusDeadLetters : IDeadLetters
{
    public const string Explanation = "dead letters are in the Service Bus dead-letter queues (<queue>/$deadletterqueue); " +
                                      "read and resubmit them with Service Bus Explorer in the Azure portal, or replay from the event log with POST /api/ops/replay";

    public bool Supported => false;

    public IReadOnlyList<string> Queues => [];

    public Task<JsonObject> ListAsync(string queue, int max, CancellationToken cancellationToken) =>
        Task.FromResult(new JsonObject { ["queue"] = queue, ["count"] = null, ["messages"] = new JsonArray() });

    public Task<JsonObject> RequeueAsync(string queue, IReadOnlySet<string>? messageIds, CancellationToken cancellationToken) =>
        throw new NotSupportedException(Explanation);
}
