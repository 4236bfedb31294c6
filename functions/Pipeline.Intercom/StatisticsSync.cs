using Pipeline.Functions.GhostMonitor;

namespace Pipeline.Functions.Intercom;

/// <summary>
/// <c>sync.statistics</c>: the sweep's re-send of a site's latest statistics push, to whoever subscribes (the
/// Intercom forwarder). Its data is the statistics push's data with where it came from: the push's event id and
/// time, and whether the sweep was forced.
/// </summary>
public sealed record StatisticsResent(PushReceived Statistics, Guid? StatisticsEventId, DateTimeOffset? StatisticsAt, bool Force)
    : IRecordedEvent<StatisticsResent>
{
    public const string EventType = "sync.statistics";
    public const string Source = "statistics-sweep";

    public static IReadOnlyList<string> EventTypes { get; } = [EventType];

    public static StatisticsResent Read(EventEnvelope envelope) => new(
        PushReceived.Of(Subjects.SiteId(envelope.Subject), PushSegments.Find("statistics"), envelope.Data),
        Guid.TryParse(EventData.Text(envelope.Data, "statistics_event_id"), out var id) ? id : null,
        EventData.Instant(envelope.Data, "statistics_at"),
        EventData.IsTrue(envelope.Data, "force"));

    /// <summary>The envelope the sweep publishes for one site.</summary>
    public static EventEnvelope CreateEnvelope(SiteStatisticsRecord site, bool force, TimeProvider clock)
    {
        using var statistics = JsonDocument.Parse(site.Statistics);
        var data = JsonDocument.Parse(RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            foreach (var property in statistics.RootElement.EnumerateObject()) property.WriteTo(w);
            w.WriteString("statistics_event_id", site.EventId.ToString());
            w.WriteString("statistics_at", site.At.ToString("O", CultureInfo.InvariantCulture));
            if (force) w.WriteBoolean("force", true);
            w.WriteEndObject();
        })).RootElement;
        return EventEnvelope.Create(EventType, Source, Subjects.Site(site.SiteId), data, clock);
    }

    /// <summary>Whether the sweep re-sends a site's statistics: forced, or Intercom does not have this push yet.</summary>
    public static bool NeedsSync(SiteStatisticsRecord statistics, CompanyRecord? company, bool force) =>
        force || company?.SyncedStatisticsEventId != statistics.EventId;

    /// <summary>The record marking these statistics as what Intercom has, unless it has newer ones (null: nothing to write).</summary>
    public static CompanyRecord? MarkSynced(CompanyRecord site, Guid statisticsEventId, DateTimeOffset statisticsAt) =>
        site.SyncedStatisticsAt is { } syncedAt && syncedAt >= statisticsAt
            ? null
            : site with { SyncedStatisticsEventId = statisticsEventId, SyncedStatisticsAt = statisticsAt };
}
