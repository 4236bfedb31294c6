using System.Text.Json;
using Pipeline.Functions.Envelope;

namespace Pipeline.Functions.Tracking;

/// <summary>The event types this module produces; nothing else spells them.</summary>
public static class TrackingEvents
{
    public const string WebInit = "tracking.web.init";
    public const string WebSend = "tracking.web.send";
    public const string MobileInit = "tracking.mobile.init";
    public const string MobileSend = "tracking.mobile.send";
    public const string MobileSensors = "tracking.mobile.sensors";
    public const string MobileGeo = "tracking.mobile.geo";

    /// <summary>A session start (web or mobile) of a visitor who gave an email or phone.</summary>
    public static bool IsIdentifiedInit(EventEnvelope envelope) =>
        envelope.Type is WebInit or MobileInit
        && envelope.Data.TryGetProperty("identified", out var identified) && identified.ValueKind == JsonValueKind.True;
}
