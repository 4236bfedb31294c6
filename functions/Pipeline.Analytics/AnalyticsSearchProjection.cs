namespace Pipeline.Functions.Analytics;

/// <summary>Indexes lead and contact analytics events for the search endpoints.</summary>
public sealed class AnalyticsSearchProjection(AnalyticsIndex index) : IEventProjection<AnalyticsEventRecorded>
{
    public Task ProjectAsync(AnalyticsEventRecorded recorded, EventEnvelope envelope, CancellationToken cancellationToken) =>
        index.IndexAsync(recorded, envelope, cancellationToken);
}
