namespace Pipeline.Functions.GhostMonitor;

/// <summary>Keeps each site's latest statistics push, for the statistics sweep to re-send.</summary>
public sealed class SiteStatisticsProjection(SiteStatistics statistics) : IEventProjection<PushReceived>
{
    public Task ProjectAsync(PushReceived push, EventEnvelope envelope, CancellationToken cancellationToken) =>
        push is { SiteId: { } siteId, SegmentName: "statistics" }
            ? statistics.KeepAsync(new SiteStatisticsRecord(siteId, envelope.Data.GetRawText(), envelope.Id, envelope.ReceivedAt), cancellationToken)
            : Task.CompletedTask;
}
