using System.Text.Json;

namespace Pipeline.Functions.Envelope;

/// <summary>
/// Every accepted event travels as this envelope (design §4). <see cref="Id"/> is a version 7 GUID, so its text
/// sorts by creation time; it is the idempotency key of every effect downstream.
/// </summary>
public sealed record EventEnvelope(
    Guid Id,
    string Type,
    string Source,
    string Subject,
    DateTimeOffset ReceivedAt,
    JsonElement Data,
    int SchemaVersion = EventEnvelope.CurrentSchemaVersion)
{
    public const int CurrentSchemaVersion = 1;

    public static EventEnvelope Create(string type, string source, string subject, JsonElement data, TimeProvider clock) =>
        new(Guid.CreateVersion7(clock.GetUtcNow()), type, source, subject, clock.GetUtcNow(), data);

    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, PipelineJson.Compact.EventEnvelope);

    /// <exception cref="JsonException">The text is not an envelope; such a message can never succeed.</exception>
    public static EventEnvelope Parse(string json) =>
        JsonSerializer.Deserialize(json, PipelineJson.Default.EventEnvelope)
        ?? throw new JsonException("message is JSON null, not an event envelope");
}
