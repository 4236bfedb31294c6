using Pipeline.Functions.Envelope;
using Pipeline.Functions.Pipeline;

namespace Pipeline.Functions.Analytics;

/// <summary>Indexes lead and contact analytics events for the search endpoints.</summary>
public sealed class AnalyticsSearchProjection(AnalyticsIndex index) : IEventProjection
{
    public bool Applies(EventEnvelope envelope) => AnalyticsKind.OfEventType(envelope.Type) is not null;

    public Task ProjectAsync(EventEnvelope envelope, CancellationToken cancellationToken) => index.IndexAsync(envelope, cancellationToken);
}
