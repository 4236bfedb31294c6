using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Pipeline.Functions.Operations;

/// <summary>
/// Messages an entity gave up on, with the reasons, and a way to send them back: the local host's poison queues
/// (<see cref="PoisonQueueDeadLetters"/>) or Service Bus dead-letter queues (<see cref="ServiceBusDeadLetters"/>).
/// </summary>
public interface IDeadLetters
{
    /// <summary>Whether this process can read its dead letters (not behind the Functions host without Service Bus settings).</summary>
    bool Supported { get; }

    Task<DeadLetterListing> ListAsync(MessagingEntity entity, int max, CancellationToken cancellationToken);

    /// <returns>How many were sent back; <paramref name="messageIds"/> null sends back every one.</returns>
    Task<DeadLetterRequeue> RequeueAsync(MessagingEntity entity, IReadOnlySet<string>? messageIds, CancellationToken cancellationToken);
}

/// <summary>The answers both kinds of dead letters give, field for field.</summary>
internal static class DeadLetterAnswers
{
    public static DeadLetterListing Listing(MessagingEntity entity, string deadLetterQueue, long? count, IReadOnlyList<JsonObject> messages) =>
        new(entity.DisplayName, deadLetterQueue, count, messages);

    public static DeadLetterRequeue Requeued(MessagingEntity entity, IReadOnlyCollection<string> requeued, IReadOnlySet<string>? asked,
        IReadOnlyList<RequeueFailure>? failed = null) => new(
        entity.DisplayName,
        requeued.Count,
        requeued.ToList(),
        asked is null ? [] : asked.Except(requeued).Except(failed?.Select(f => f.MessageId) ?? []).ToList(),
        failed ?? []);

    /// <summary>The event a dead letter carried, when its body is an envelope.</summary>
    public static void DescribeEnvelope(JsonObject described, JsonNode? original)
    {
        // The local host's frame (LocalMessageFrame) carries the envelope as its body.
        if (original is JsonObject frame && frame.ContainsKey("$message")) original = frame["body"];
        if (original is JsonObject envelope)
        {
            described["event_id"] = envelope["id"]?.DeepClone();
            described["event_type"] = envelope["type"]?.DeepClone();
            described["subject"] = envelope["subject"]?.DeepClone();
        }
        described["message"] = original?.DeepClone();
    }
}

/// <summary>
/// The local host's dead letters: <c>&lt;queue&gt;-poison</c> storage queues, each message the local host's wrapper
/// (<c>{queue, function, messageId, deliveryCount, reason, deadLetteredAt, message}</c>).
/// </summary>
public sealed class PoisonQueueDeadLetters(StorageAccount storage) : IDeadLetters
{
    private const int MaxBatches = 20;

    public bool Supported => true;

    private QueueClient Poison(MessagingEntity entity) => storage.Queues.GetQueueClient(QueueNames.Poison(entity.LocalQueue));

    public async Task<DeadLetterListing> ListAsync(MessagingEntity entity, int max, CancellationToken cancellationToken)
    {
        var poison = Poison(entity);
        var messages = new List<JsonObject>();
        var count = 0;
        if (await poison.ExistsAsync(cancellationToken))
        {
            count = (await poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
            // Peeking never hides a message; it shows the oldest 32 at most.
            foreach (var peeked in (await poison.PeekMessagesAsync(Math.Min(max, 32), cancellationToken)).Value)
                messages.Add(Describe(peeked.MessageId, peeked.Body.ToString(), peeked.InsertedOn));
        }
        return DeadLetterAnswers.Listing(entity, poison.Name, count, messages);
    }

    public async Task<DeadLetterRequeue> RequeueAsync(MessagingEntity entity, IReadOnlySet<string>? messageIds, CancellationToken cancellationToken)
    {
        var poison = Poison(entity);
        var target = storage.Queues.GetQueueClient(entity.LocalQueue);
        var requeued = new List<string>();
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
                requeued.Add(message.MessageId);
            }
            if (messageIds is not null && requeued.Count == messageIds.Count) break;
        }
        return Answer();

        DeadLetterRequeue Answer() => DeadLetterAnswers.Requeued(entity, requeued, messageIds);
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
            DeadLetterAnswers.DescribeEnvelope(described, wrapper?["message"]);
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
/// Behind the Functions host without <c>ServiceBusConnection</c> settings: the host triggers on Service Bus, but this
/// app has no client to read the dead-letter queues with.
/// </summary>
public sealed class UnreachableDeadLetters : IDeadLetters
{
    public const string Explanation = $"{ServiceBusRegistration.ConnectionSetting} is not set for this app, so it cannot read the " +
                                      "Service Bus dead-letter queues (<queue>/$deadletterqueue); set it as the Functions host's own, " +
                                      "or read and resubmit them with Service Bus Explorer in the Azure portal, or replay from the event log with POST /api/ops/replay";

    public bool Supported => false;

    public Task<DeadLetterListing> ListAsync(MessagingEntity entity, int max, CancellationToken cancellationToken) =>
        Task.FromResult(new DeadLetterListing(entity.DisplayName, null, null, []));

    public Task<DeadLetterRequeue> RequeueAsync(MessagingEntity entity, IReadOnlySet<string>? messageIds, CancellationToken cancellationToken) =>
        throw new NotSupportedException(Explanation);
}
