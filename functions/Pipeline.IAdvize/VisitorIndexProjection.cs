using Pipeline.Functions.Analytics;
using Pipeline.Functions.Tracking;

namespace Pipeline.Functions.IAdvize;

/// <summary>
/// What the iAdvize side keeps, whether or not iAdvize is configured: each identified tracking visitor's email and
/// phone (the connector's visitor profile finds visitors by email), and each analytics event under its lead or
/// contact id (a visitor's analytics views, when that id is the visitor's tracking id or email). Upserts only, so a
/// redelivery writes the same rows again.
/// </summary>
public sealed class VisitorIndexProjection(IAdvizeVisitors visitors)
    : IEventProjection<VisitorSessionStarted>, IEventProjection<AnalyticsEventRecorded>
{
    public Task ProjectAsync(VisitorSessionStarted session, EventEnvelope envelope, CancellationToken cancellationToken) =>
        session is { Identified: true, VisitorId: { } visitorId }
            ? visitors.RememberAsync(visitorId, session.Email, session.Phone, envelope.ReceivedAt, cancellationToken)
            : Task.CompletedTask;

    public Task ProjectAsync(AnalyticsEventRecorded recorded, EventEnvelope envelope, CancellationToken cancellationToken) =>
        recorded.EntityId is { } entityId
            ? visitors.RecordAnalyticsAsync(entityId, envelope.Id, recorded.EventType ?? envelope.Type, recorded.RecordingId,
                envelope.ReceivedAt, cancellationToken)
            : Task.CompletedTask;
}
