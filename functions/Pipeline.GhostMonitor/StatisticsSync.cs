using System.Globalization;
using System.Text.Json;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Storage;

namespace Pipeline.Functions.GhostMonitor;

/// <summary>
/// The statistics the sweep re-sends: the Recorder keeps each site's latest statistics on its row, the forwarder
/// marks which statistics event Intercom has, and the sweep enqueues a sync where the two differ.
/// </summary>
public static class StatisticsSync
{
    public const string EventType = GhostMonitorEvents.StatisticsSync;
    public const string Source = "statistics-sweep";

    /// <summary>The site's record keeping the statistics of this push, unless it already has newer ones (null: nothing to write).</summary>
    public static SiteRecord? Remember(SiteRecord site, EventEnvelope envelope) =>
        site.StatisticsAt is { } at && at >= envelope.ReceivedAt
            ? null
            : site with { Statistics = envelope.Data.GetRawText(), StatisticsEventId = envelope.Id, StatisticsAt = envelope.ReceivedAt };

    public static bool NeedsSync(SiteRecord site, bool force) =>
        site.Statistics is not null && (force || site.StatisticsEventId != site.SyncedStatisticsEventId);

    /// <summary>The envelope the sweep puts on <c>intercom</c> for one site; its data carries where it came from.</summary>
    public static EventEnvelope CreateEnvelope(SiteRecord site, bool force, TimeProvider clock)
    {
        using var statistics = JsonDocument.Parse(site.Statistics!);
        var data = JsonDocument.Parse(RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            foreach (var property in statistics.RootElement.EnumerateObject()) property.WriteTo(w);
            w.WriteString("statistics_event_id", site.StatisticsEventId?.ToString());
            w.WriteString("statistics_at", site.StatisticsAt!.Value.ToString("O", CultureInfo.InvariantCulture));
            if (force) w.WriteBoolean("force", true);
            w.WriteEndObject();
        })).RootElement;
        return EventEnvelope.Create(EventType, Source, Subjects.Site(site.SiteId), data, clock);
    }

    /// <summary>A forced sync (<c>GET /api/all?force=true</c>) resends even what Intercom already has.</summary>
    public static bool IsForced(EventEnvelope sync) => sync.Data.TryGetProperty("force", out var force) && force.ValueKind == JsonValueKind.True;

    public static Guid SourceEventId(EventEnvelope sync) => Guid.Parse(sync.Data.GetProperty("statistics_event_id").GetString()!);

    public static DateTimeOffset StatisticsTime(EventEnvelope sync) =>
        DateTimeOffset.Parse(sync.Data.GetProperty("statistics_at").GetString()!, CultureInfo.InvariantCulture);

    public static bool IsAlreadySynced(SiteRecord site, EventEnvelope sync) =>
        site.SyncedStatisticsAt is { } syncedAt && syncedAt >= StatisticsTime(sync);

    /// <summary>The record marking these statistics as what Intercom has, unless it has newer ones (null: nothing to write).</summary>
    public static SiteRecord? MarkSynced(SiteRecord site, Guid statisticsEventId, DateTimeOffset statisticsAt) =>
        site.SyncedStatisticsAt is { } syncedAt && syncedAt >= statisticsAt
            ? null
            : site with { SyncedStatisticsEventId = statisticsEventId, SyncedStatisticsAt = statisticsAt };
}
