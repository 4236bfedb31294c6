namespace Pipeline.Functions.Messaging;

/// <summary>
/// Sends messages to a queue or topic: Service Bus through its SDK in Azure, Azurite queues standing in for its
/// queues and subscriptions locally. Every send of the app goes through here, so both hosts send alike.
/// </summary>
public interface IMessagePublisher
{
    Task SendAsync(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken);

    /// <summary>How many bytes a message body takes on this publisher's queues (what the claim check weighs).</summary>
    int BytesOnQueue(string body) => System.Text.Encoding.UTF8.GetByteCount(body);
}
