namespace Pipeline.Functions.Analytics;

/// <summary>
/// <c>analytics.event</c> / <c>analytics.lead</c> / <c>analytics.contact</c>: one analytics event as the create
/// endpoint stored and answered it (<see cref="Stored"/>, the seed's shape), with the lead or contact it is about.
/// </summary>
public sealed record AnalyticsEventRecorded(AnalyticsKind? Kind, string? Entity, string? EntityId, JsonElement Stored)
    : IRecordedEvent<AnalyticsEventRecorded>
{
    public const string TypePrefix = "analytics.";

    public static IReadOnlyList<string> EventTypes { get; } = [TypePrefix + "*"];

    public static AnalyticsEventRecorded Read(EventEnvelope envelope)
    {
        var data = envelope.Data;
        var stored = EventData.Field(data, "stored") is { ValueKind: JsonValueKind.Object } s ? s.Clone() : default;
        return new(AnalyticsKind.OfEventType(envelope.Type), EventData.Text(data, "entity"), EventData.Text(data, "entity_id"), stored);
    }

    /// <summary>The stored event's <c>event_type</c> (<c>view</c>, …).</summary>
    public string? EventType => EventData.Text(Stored, "event_type");

    public string? CustomerId => EventData.Id(Stored, "customer_id");
    public string? UserId => EventData.Id(Stored, "user_id");
    public string? RecordingId => EventData.Id(Stored, "recording_id");

    /// <summary>A lead's or a contact's event (the two that have a search); not a generic one.</summary>
    public bool IsAboutLeadOrContact => Entity is AnalyticsIndex.Lead or AnalyticsIndex.Contact;
}
