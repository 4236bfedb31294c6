using Pipeline.Functions.Messaging;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using Pipeline.Functions.Health;

namespace Pipeline.Functions.Operations;

/// <summary>
/// Service Bus dead-letter queues, read with the app's <see cref="ServiceBusClient"/> on <see cref="SubQueue.DeadLetter"/>:
/// listing peeks (nothing is locked), a requeue receives each chosen dead letter, sends a copy to its entity and only
/// then completes it, so a failure between leaves the message in both places, never in neither.
/// </summary>
/// <remarks>
/// A copy gets its own <c>MessageId</c>, <c>{original}:requeue-{n}</c>: with duplicate detection on, a copy that kept the
/// original's id would be dropped as a duplicate of it within the detection window. The id is derived, not random, so
/// a requeue repeated after a failure between send and complete is dropped by the broker instead of delivered twice.
/// A subscription's dead letter goes back through its topic, which would reach every subscription: the copy carries
/// the application property <c>to</c> = the subscription's name, and each subscription's filter must read
/// <c>(to IS NULL AND …its own filter…) OR to = '&lt;subscription&gt;'</c>.
/// </remarks>
public sealed class ServiceBusDeadLetters(ServiceBusClient client, IBacklogReader backlog) : IDeadLetters
{
    public const string ToProperty = MessageProperties.To;
    public const string OriginalIdProperty = "requeued_from";
    public const string RequeuesProperty = "requeues";

    private const int BatchSize = 32;
    private const int MaxBatches = 20;
    private static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(2);

    public bool Supported => true;

    public async Task<DeadLetterListing> ListAsync(MessagingEntity entity, int max, CancellationToken cancellationToken)
    {
        await using var receiver = DeadLetterReceiver(entity);
        var peeked = await receiver.PeekMessagesAsync(max, cancellationToken: cancellationToken);
        var listing = DeadLetterAnswers.Listing(entity, DeadLetterPath(entity), peeked.Count, peeked.Select(Describe).ToList());
        try
        {
            // Peeking shows a page; the runtime properties count them all.
            if ((await backlog.ReadAsync(entity, cancellationToken)).DeadLettered is { } counted) listing = listing with { Count = counted };
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            listing = listing with
            {
                CountNote = $"only the listed ones are counted: the runtime properties could not be read ({ex.GetType().Name})",
            };
        }
        return listing;
    }

    public async Task<DeadLetterRequeue> RequeueAsync(MessagingEntity entity, IReadOnlySet<string>? messageIds, CancellationToken cancellationToken)
    {
        var requeued = new List<string>();
        var failed = new List<RequeueFailure>();
        var passedOver = new List<ServiceBusReceivedMessage>();
        await using var receiver = DeadLetterReceiver(entity);
        await using var sender = client.CreateSender(entity.Name);
        try
        {
            for (var batch = 0; batch < MaxBatches && failed.Count == 0; batch++)
            {
                // Passed-over messages stay locked until the end, so each receive brings new ones.
                var received = await receiver.ReceiveMessagesAsync(BatchSize, ReceiveWait, cancellationToken);
                if (received.Count == 0) break;
                foreach (var message in received)
                {
                    if (failed.Count > 0 || (messageIds is not null && !messageIds.Contains(message.MessageId)))
                    {
                        passedOver.Add(message);
                        continue;
                    }
                    try
                    {
                        await sender.SendMessageAsync(Copy(message, entity), cancellationToken);
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        // Not sent: the dead letter stays where it is, and the rest are left alone too.
                        failed.Add(Failure(message.MessageId, $"not sent back: {ex.Message}"));
                        passedOver.Add(message);
                        continue;
                    }
                    requeued.Add(message.MessageId);
                    try
                    {
                        await receiver.CompleteMessageAsync(message, cancellationToken);
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        failed.Add(Failure(message.MessageId, "sent back, but the dead letter stayed (a second requeue's copy " +
                                                              $"carries the same id, which duplicate detection drops): {ex.Message}"));
                    }
                }
                if (messageIds is not null && requeued.Count >= messageIds.Count) break;
            }
        }
        finally
        {
            foreach (var message in passedOver) await Release(receiver, message);
        }
        return DeadLetterAnswers.Requeued(entity, requeued, messageIds, failed);
    }

    /// <summary>The copy sent back for a dead letter (see the remarks on ids and subscriptions).</summary>
    public static ServiceBusMessage Copy(ServiceBusReceivedMessage deadLetter, MessagingEntity entity)
    {
        var properties = deadLetter.ApplicationProperties;
        var original = properties.TryGetValue(OriginalIdProperty, out var from) && from is string id ? id : deadLetter.MessageId;
        var requeues = (properties.TryGetValue(RequeuesProperty, out var count) && count is int n ? n : 0) + 1;
        var copy = new ServiceBusMessage(deadLetter) { MessageId = $"{original}:requeue-{requeues}" };
        // The broker sets these when it dead-letters; a copy that fails again must not show the old reason.
        copy.ApplicationProperties.Remove("DeadLetterReason");
        copy.ApplicationProperties.Remove("DeadLetterErrorDescription");
        // A fresh first attempt: no longer given up, its retry count and age reset, and marked as requeued so that a
        // failed delivery is tried again.
        MessageProperties.MarkRequeued(copy.ApplicationProperties, (object)"true");
        copy.ApplicationProperties[OriginalIdProperty] = original;
        copy.ApplicationProperties[RequeuesProperty] = requeues;
        if (entity.Subscription is { } subscription) copy.ApplicationProperties[ToProperty] = subscription;
        return copy;
    }

    private ServiceBusReceiver DeadLetterReceiver(MessagingEntity entity)
    {
        var options = new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = ServiceBusReceiveMode.PeekLock };
        return entity.Subscription is { } subscription
            ? client.CreateReceiver(entity.Name, subscription, options)
            : client.CreateReceiver(entity.Name, options);
    }

    private static string DeadLetterPath(MessagingEntity entity) => $"{entity.DisplayName}/$deadletterqueue";

    private static JsonObject Describe(ServiceBusReceivedMessage message)
    {
        var described = new JsonObject
        {
            ["message_id"] = message.MessageId,
            ["reason"] = message.DeadLetterReason,
            ["error_description"] = message.DeadLetterErrorDescription,
            ["function"] = null,
            ["delivery_count"] = message.DeliveryCount,
            // Service Bus keeps no time of dead-lettering on the message; its enqueued time is the original send's.
            ["dead_lettered_at"] = null,
            ["enqueued_at"] = AdminHttp.Iso(message.EnqueuedTime),
            ["sequence_number"] = message.SequenceNumber,
        };
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(message.Body.ToMemory().Span);
        }
        catch (JsonException)
        {
            body = message.Body.ToString();
        }
        DeadLetterAnswers.DescribeEnvelope(described, body);
        return described;
    }

    private static RequeueFailure Failure(string messageId, string error) => new(messageId, error);

    private static async Task Release(ServiceBusReceiver receiver, ServiceBusReceivedMessage message)
    {
        try
        {
            await receiver.AbandonMessageAsync(message);
        }
        catch (ServiceBusException)
        {
            // The lock lapses on its own; the message is visible again then.
        }
    }
}
