namespace Pipeline.Functions.Envelope;

/// <summary>
/// Every accepted event travels as this envelope. <see cref="Id"/> is a version 7 GUID, so its text
/// sorts by creation time; it is the idempotency key of every effect downstream. <see cref="Traceparent"/> (optional,
/// W3C) links the spans of every hop into one trace.
/// </summary>
public sealed record EventEnvelope(
    Guid Id,
    string Type,
    string Source,
    string Subject,
    DateTimeOffset ReceivedAt,
    JsonElement Data,
    int SchemaVersion = EventEnvelope.CurrentSchemaVersion,
    string? Traceparent = null)
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>A new event, carrying the current span's W3C <c>traceparent</c> so the next hop continues the trace.</summary>
    public static EventEnvelope Create(string type, string source, string subject, JsonElement data, TimeProvider clock) =>
        new(Guid.CreateVersion7(clock.GetUtcNow()), type, source, subject, clock.GetUtcNow(), data,
            Traceparent: Telemetry.PipelineTelemetry.CurrentTraceparent);

    /// <summary>This event as sent on from the current span: the next hop's span becomes its child.</summary>
    public EventEnvelope InCurrentTrace() =>
        Telemetry.PipelineTelemetry.CurrentTraceparent is { } current && current != Traceparent ? this with { Traceparent = current } : this;

    public JsonElement ToJson() => JsonSerializer.SerializeToElement(this, PipelineJson.Compact.EventEnvelope);

    /// <exception cref="JsonException">The text is not an envelope; such a message can never succeed.</exception>
    public static EventEnvelope Parse(string json) =>
        JsonSerializer.Deserialize(json, PipelineJson.Default.EventEnvelope)
        ?? throw new JsonException("message is JSON null, not an event envelope");
}
