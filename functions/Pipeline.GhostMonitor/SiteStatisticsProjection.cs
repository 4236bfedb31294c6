using Pipeline.Functions.Envelope;
using Pipeline.Functions.Pipeline;
using Pipeline.Functions.Storage;

namespace Pipeline.Functions.GhostMonitor;

/// <summary>Keeps each site's latest statistics on its row, for the sweep to re-send.</summary>
public sealed class SiteStatisticsProjection(SiteDirectory sites) : IEventProjection
{
    public bool Applies(EventEnvelope envelope) => envelope.Type == GhostMonitorEvents.Statistics;

    public async Task ProjectAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (Subjects.SiteId(envelope.Subject) is { } siteId)
            await sites.UpdateAsync(siteId, site => StatisticsSync.Remember(site, envelope), cancellationToken);
    }
}
