using Pipeline.Functions.IAdvize;

namespace Pipeline.Functions.Intercom;

/// <summary>
/// iAdvize's <c>conversation.closed</c> and <c>satisfaction.filled</c> as Intercom data events on the visitor's contact:
/// <c>iadvize-conversation-closed</c> (conversation, channel, operator, website) and <c>iadvize-satisfaction-filled</c>
/// (score, conversation). The webhook names the visitor by iAdvize <c>unique_id</c>; the contact is found by the email
/// iAdvize's module knows for that visitor (<see cref="KnownVisitorEmails"/>).
/// </summary>
public sealed class IAdvizeContactEvents(KnownVisitorEmails emails, IntercomContactEvents contactEvents)
    : IDeliveryHandler<ConversationClosed>, IDeliveryHandler<SatisfactionFilled>
{
    public const string ConversationClosedEvent = "iadvize-conversation-closed";
    public const string SatisfactionFilledEvent = "iadvize-satisfaction-filled";

    public Task<DeliveryOutcome> DeliverAsync(ConversationClosed closed, EventEnvelope envelope, CancellationToken cancellationToken) =>
        RecordAsync(closed.VisitorId, ConversationClosedEvent, closed.CreatedAt ?? envelope.ReceivedAt, envelope,
        [
            ("conversation_id", Id(closed.ConversationId)),
            ("channel", Id(closed.Channel)),
            ("operator_id", Id(closed.OperatorId)),
            ("website_id", Id(closed.WebsiteId)),
        ], cancellationToken);

    public Task<DeliveryOutcome> DeliverAsync(SatisfactionFilled filled, EventEnvelope envelope, CancellationToken cancellationToken) =>
        RecordAsync(filled.VisitorId, SatisfactionFilledEvent, filled.CreatedAt ?? envelope.ReceivedAt, envelope,
        [
            ("score", filled.Score is { } score ? JsonSerializer.SerializeToElement(score, IntercomJson.Default.Double) : null),
            ("conversation_id", Id(filled.ConversationId)),
        ], cancellationToken);

    private async Task<DeliveryOutcome> RecordAsync(string? visitorId, string eventName, DateTimeOffset createdAt, EventEnvelope envelope,
        IEnumerable<(string Key, JsonElement? Value)> metadata, CancellationToken cancellationToken)
    {
        if (visitorId is null) return new DeliveryOutcome.Skipped($"{envelope.Type} names no visitorId");
        if (await emails.EmailOfAsync(visitorId, cancellationToken) is not { } email)
            return new DeliveryOutcome.Skipped($"iAdvize visitor {visitorId} is not a visitor the pipeline knows by email");
        var contactEvent = new ContactEvent(email, eventName, createdAt,
            metadata.Where(m => m.Value is not null).Select(m => KeyValuePair.Create(m.Key, m.Value!.Value)).ToList());
        var contactId = await contactEvents.RecordAsync(contactEvent, cancellationToken);
        return new DeliveryOutcome.Delivered(200, $"event {eventName} on contact {contactId}");
    }

    /// <summary>An iAdvize id as Intercom metadata: a number when it is one (as iAdvize sends most ids), text otherwise.</summary>
    private static JsonElement? Id(string? id) => id is null ? null
        : long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? JsonSerializer.SerializeToElement(n, IntercomJson.Default.Int64)
            : JsonSerializer.SerializeToElement(id, IntercomJson.Default.String);
}
