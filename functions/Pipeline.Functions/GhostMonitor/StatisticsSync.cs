using System.Globalization;
using System.Text.Json;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Storage;

using Pipeline.Functions.Intercom;

namespace Pipeline.Functions.GhostMonitor;

/// <summary>
/// The statistics the sweep re-sends: the Recorder keeps each site's latest statistics on its row, the forwarder
/// marks which statistics event Intercom has, and the sweep enqueues a sync where the two differ.
/// </summary>
public static class StatisticsSync
{
    public const string EventType = GhostMonitorEvents.StatisticsSync;
    public const string Source = "statistics-sweep";
    public const string StatisticsProperty = "Statistics";
    public const string StatisticsEventIdProperty = "StatisticsEventId";
    public const string StatisticsAtProperty = "StatisticsAt";
    public const string SyncedEventIdProperty = "SyncedStatisticsEventId";
    public const string SyncedAtProperty = "SyncedStatisticsAt";

    /// <summary>Called by the Recorder for each recorded statistics push: keeps the site's latest statistics, only ever newer.</summary>
    public static Task RememberAsync(SiteDirectory sites, EventEnvelope envelope, string siteId, CancellationToken cancellationToken) =>
        sites.UpdateAsync(siteId, entity =>
        {
            if (entity.GetDateTimeOffset(StatisticsAtProperty) is { } at && at >= envelope.ReceivedAt) return false;
            entity[StatisticsProperty] = envelope.Data.GetRawText();
            entity[StatisticsEventIdProperty] = envelope.Id.ToString();
            entity[StatisticsAtProperty] = envelope.ReceivedAt;
            return true;
        }, cancellationToken);

    public static bool NeedsSync(Azure.Data.Tables.TableEntity site, bool force) =>
        site.GetString(StatisticsProperty) is not null
        && (force || site.GetString(StatisticsEventIdProperty) != site.GetString(SyncedEventIdProperty));

    /// <summary>The envelope the sweep puts on <c>intercom</c> for one site; its data carries where it came from.</summary>
    public static EventEnvelope CreateEnvelope(Azure.Data.Tables.TableEntity site, bool force, TimeProvider clock)
    {
        var siteId = site.GetString(SiteDirectory.SiteIdProperty);
        using var statistics = JsonDocument.Parse(site.GetString(StatisticsProperty));
        var data = JsonDocument.Parse(RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            foreach (var property in statistics.RootElement.EnumerateObject()) property.WriteTo(w);
            w.WriteString("statistics_event_id", site.GetString(StatisticsEventIdProperty));
            w.WriteString("statistics_at", site.GetDateTimeOffset(StatisticsAtProperty)!.Value.ToString("O", CultureInfo.InvariantCulture));
            if (force) w.WriteBoolean("force", true);
            w.WriteEndObject();
        })).RootElement;
        return EventEnvelope.Create(EventType, Source, Subjects.Site(siteId), data, clock);
    }

    /// <summary>A forced sync (<c>GET /api/all?force=true</c>) resends even what Intercom already has.</summary>
    public static bool IsForced(EventEnvelope sync) => sync.Data.TryGetProperty("force", out var force) && force.ValueKind == JsonValueKind.True;

    public static Guid SourceEventId(EventEnvelope sync) => Guid.Parse(sync.Data.GetProperty("statistics_event_id").GetString()!);

    public static DateTimeOffset StatisticsTime(EventEnvelope sync) =>
        DateTimeOffset.Parse(sync.Data.GetProperty("statistics_at").GetString()!, CultureInfo.InvariantCulture);

    public static async Task<bool> IsAlreadySyncedAsync(SiteDirectory sites, string siteId, EventEnvelope sync,
        CancellationToken cancellationToken)
    {
        var site = await sites.FindAsync(siteId, cancellationToken);
        return site?.GetDateTimeOffset(SyncedAtProperty) is { } syncedAt && syncedAt >= StatisticsTime(sync);
    }

    public static Task MarkSyncedAsync(SiteDirectory sites, string siteId, Guid statisticsEventId, DateTimeOffset statisticsAt,
        CancellationToken cancellationToken) =>
        sites.UpdateAsync(siteId, entity =>
        {
            if (entity.GetDateTimeOffset(SyncedAtProperty) is { } syncedAt && syncedAt >= statisticsAt) return false;
            entity[SyncedEventIdProperty] = statisticsEventId.ToString();
            entity[SyncedAtProperty] = statisticsAt;
            return true;
        }, cancellationToken);
}
