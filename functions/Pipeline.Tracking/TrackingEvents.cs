namespace Pipeline.Functions.Tracking;

/// <summary>The event types this module produces; nothing else spells them. The records other modules read follow.</summary>
public static class TrackingEvents
{
    public const string WebInit = "tracking.web.init";
    public const string WebSend = "tracking.web.send";
    public const string MobileInit = "tracking.mobile.init";
    public const string MobileSend = "tracking.mobile.send";
    public const string MobileSensors = "tracking.mobile.sensors";
    public const string MobileGeo = "tracking.mobile.geo";
}

/// <summary>
/// <c>tracking.web.init</c> / <c>tracking.mobile.init</c>: a visitor's session started. <see cref="Identified"/> when
/// they gave an email or a phone; <see cref="VisitorId"/> is our tracking id (<c>uid</c> or <c>mobileId</c>).
/// </summary>
public sealed record VisitorSessionStarted(string? AppKey, string? VisitorId, bool Identified, string? Email, string? Phone)
    : IRecordedEvent<VisitorSessionStarted>
{
    public static IReadOnlyList<string> EventTypes { get; } = [TrackingEvents.WebInit, TrackingEvents.MobileInit];

    public static VisitorSessionStarted Read(EventEnvelope envelope)
    {
        var data = envelope.Data;
        var visitorId = EventData.Text(data, "uid") ?? EventData.Text(data, "mobileId")
                        ?? (envelope.Subject.StartsWith(TrackingRequest.VisitorSubjectPrefix, StringComparison.Ordinal)
                            ? envelope.Subject[TrackingRequest.VisitorSubjectPrefix.Length..]
                            : null);
        return new(EventData.Text(data, TrackingRequest.AppKeyField), visitorId, EventData.IsTrue(data, "identified"),
            EventData.Text(data, "email"), EventData.Text(data, "phone"));
    }
}

/// <summary>
/// <c>tracking.web.send</c> / <c>tracking.mobile.send</c>: one tracking action. <see cref="ActionType"/> is one of
/// <see cref="TrackingAction.ActionTypes"/> (null otherwise); a sale's value is the sum of its receipts.
/// </summary>
public sealed record TrackingActionSent(string? AppKey, string? ActionType, double SalesValue, bool ByIdentifiedVisitor)
    : IRecordedEvent<TrackingActionSent>
{
    public static IReadOnlyList<string> EventTypes { get; } = [TrackingEvents.WebSend, TrackingEvents.MobileSend];

    public static TrackingActionSent Read(EventEnvelope envelope)
    {
        var data = envelope.Data;
        var actionType = EventData.Text(data, "actionType") is { } type && TrackingAction.ActionTypes.Contains(type) ? type : null;
        return new(EventData.Text(data, TrackingRequest.AppKeyField), actionType, actionType == "sale" ? SalesValueOf(data) : 0,
            envelope.Type == TrackingEvents.WebSend && EventData.Text(data, "uType") == "c")
        {
            AdditionalData = EventData.Field(data, "aditionalData") is { ValueKind: JsonValueKind.Object } additional ? additional.Clone() : null,
        };
    }

    /// <summary>The action's <c>aditionalData</c> (the vendor's spelling) as stored: typed values by field name.</summary>
    public JsonElement? AdditionalData { get; init; }

    private static double SalesValueOf(JsonElement data) =>
        EventData.Field(data, "aditionalData") is { } additional && EventData.Field(additional, "receipts") is { ValueKind: JsonValueKind.Array } receipts
            ? receipts.EnumerateArray().Sum(r => EventData.Number(r, "value") ?? 0)
            : 0;
}
