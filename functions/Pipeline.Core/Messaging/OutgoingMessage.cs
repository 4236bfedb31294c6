using System.Security.Cryptography;

namespace Pipeline.Functions.Messaging;

/// <summary>
/// A message as the pipeline sends it, whichever broker carries it: the body (JSON text), the <see cref="MessageId"/>
/// the broker's duplicate detection keys on, the properties subscription filters and the retry model read, and an
/// optional time before which it must not be delivered.
/// </summary>
public sealed record OutgoingMessage(string Body, string MessageId)
{
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    public DateTimeOffset? ScheduledFor { get; init; }

    /// <summary>
    /// The message for one output of a function. Its id: the one the function gave, else the envelope's id (so a
    /// redelivered invocation's copy is dropped by the broker), else a hash of the body (a derived message, such as a
    /// sweep page, is the same message when the same invocation runs again).
    /// </summary>
    public static OutgoingMessage For(QueueOutput output, OutputMessage message)
    {
        var body = message.Body.GetRawText();
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        string? envelopeId = null;
        if (message.Body.ValueKind == JsonValueKind.Object)
        {
            envelopeId = Text(message.Body, "id");
            if (Text(message.Body, "type") is { } type) properties[MessageProperties.Type] = type;
            if (Text(message.Body, "subject") is { } subject) properties[MessageProperties.Subject] = subject;
            if (Text(message.Body, "traceparent") is { } traceparent) properties[MessageProperties.Traceparent] = traceparent;
        }
        if ((message.To ?? output.To) is { } to) properties[MessageProperties.To] = to;
        var id = message.MessageId ?? envelopeId ?? HashOf(body);
        return new OutgoingMessage(body, MessageIds.Bounded(id)) { Properties = properties };
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string HashOf(string body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
}

/// <summary>The application properties the pipeline sets; subscription filters and the retry model read them.</summary>
public static class MessageProperties
{
    /// <summary>The envelope's event type: what subscription filters select on.</summary>
    public const string Type = "type";
    public const string Subject = "subject";
    public const string Traceparent = "traceparent";

    /// <summary>Addressed to one subscription only (a retry or a replay): every other subscription's filter rejects it.</summary>
    public const string To = "deliverTo";

    /// <summary>The attempt this message is (1 when absent): retries are new messages, so the broker's count restarts.</summary>
    public const string Attempt = "attempt";

    /// <summary>How many copies of the original were scheduled before this one (waits included); keeps their ids apart.</summary>
    public const string Copy = "copy";

    /// <summary>When the first attempt ran (ISO 8601): a consumer's retries end by age as well as by count.</summary>
    public const string FirstAttemptAt = "firstAttemptAt";

    /// <summary>The message id of the message a retry copies, so every copy's id derives from the first one's.</summary>
    public const string RetryOf = "retryOf";

    /// <summary>Set on a dead letter an operator sent back: a delivery that failed is tried again.</summary>
    public const string Requeued = "requeued";

    /// <summary>
    /// A dead letter's properties as it goes back, in either host: a first attempt again (no longer given up, its
    /// attempt count and age reset) and marked <see cref="Requeued"/>; what routes it (type, deliverTo …) stays.
    /// </summary>
    public static void MarkRequeued<TValue>(IDictionary<string, TValue> properties, TValue requeued)
    {
        properties.Remove(GaveUp);
        properties.Remove(Attempt);
        properties.Remove(FirstAttemptAt);
        properties[Requeued] = requeued;
    }

    /// <summary>Set on a message whose consumer gave up: it is failed until the broker dead-letters it, with this reason.</summary>
    public const string GaveUp = "gaveUp";
}

public static class MessageIds
{
    /// <summary>Service Bus takes message ids of up to 128 characters.</summary>
    public const int MaxLength = 128;

    /// <summary>The id itself, or a hash of it when it is too long for the broker.</summary>
    public static string Bounded(string id) => id.Length <= MaxLength
        ? id
        : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
}
