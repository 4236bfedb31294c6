using System.Text.Json;
using Pipeline.Functions.Analytics;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Pipeline;
using Pipeline.Functions.Tracking;

namespace Pipeline.Functions.IAdvize;

/// <summary>
/// What the Recorder keeps for the iAdvize side, whether or not iAdvize is configured: each identified tracking
/// visitor's email and phone (the connector's visitor profile finds visitors by email), and each lead or contact
/// analytics event under its lead or contact id (a visitor's analytics views, when that id is the visitor's tracking id
/// or email). Upserts only, so a redelivery writes the same rows again.
/// </summary>
public sealed class VisitorIndexProjection(IAdvizeVisitors visitors) : IEventProjection
{
    public bool Applies(EventEnvelope envelope) =>
        TrackingEvents.IsIdentifiedInit(envelope) || AnalyticsKind.OfEventType(envelope.Type) is not null;

    public async Task ProjectAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        var data = envelope.Data;
        if (TrackingEvents.IsIdentifiedInit(envelope))
        {
            if (VisitorSync.VisitorIdOf(envelope) is not { } visitorId) return;
            await visitors.RememberAsync(visitorId, Text(data, "email"), Text(data, "phone"), envelope.ReceivedAt, cancellationToken);
            return;
        }
        if (Text(data, "entity_id") is not { Length: > 0 } entityId) return;
        var recording = data.TryGetProperty("stored", out var stored) && stored.ValueKind == JsonValueKind.Object ? Text(stored, "recording_id") : null;
        var eventType = stored.ValueKind == JsonValueKind.Object ? Text(stored, "event_type") ?? envelope.Type : envelope.Type;
        await visitors.RecordAnalyticsAsync(entityId, envelope.Id, eventType, recording, envelope.ReceivedAt, cancellationToken);
    }

    private static string? Text(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
