using System.Text.Json;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Storage;

using Pipeline.Functions.GhostMonitor;

namespace Pipeline.Functions.Intercom;

/// <summary>
/// Everything one envelope does in Intercom (the README's mapping table): the company's attributes, the owner
/// contact for sign-up segments, a data event on the owner contact, and the statistics sync mark.
/// </summary>
/// <exception cref="Delivery.TransientDeliveryException">Retry later.</exception>
/// <exception cref="Delivery.RefusedDeliveryException">Intercom refused for good.</exception>
public sealed class IntercomSync(CompanyUpdateCoalescer companies, OwnerContacts owners, IntercomContactEvents contactEvents)
{
    /// <returns>A one-line summary of what was sent, or null when the envelope has nothing for Intercom.</returns>
    public async Task<string?> ApplyAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        var segment = IntercomMapping.SegmentOf(envelope);
        var siteId = Subjects.SiteId(envelope.Subject);
        if (segment is null || siteId is null) return null;

        var isSync = envelope.Type == StatisticsSync.EventType;
        var eventTime = isSync ? StatisticsSync.StatisticsTime(envelope) : envelope.ReceivedAt;
        var forced = isSync && StatisticsSync.IsForced(envelope);

        // The site's record is read once, inside the company upsert, and written once with what this event changed:
        // the attribute times, and for statistics the mark of what Intercom now has (an already synced sync finds
        // every attribute time as new as its own, so it sends nothing).
        var statisticsEventId = isSync ? StatisticsSync.SourceEventId(envelope) : envelope.Id;
        Func<SiteRecord, SiteRecord?>? markSynced = segment.Name == "statistics"
            ? site => StatisticsSync.MarkSynced(site, statisticsEventId, eventTime)
            : null;
        var company = await companies.UpsertAsync(siteId, IntercomMapping.CompanyAttributes(segment, envelope.Data), eventTime,
            resendCurrent: forced, markSynced, cancellationToken);
        var summary = company.Sent ? $"company {siteId}: {company.AttributesSent} attributes"
            : isSync ? "statistics already synced"
            : $"company {siteId}: nothing newer";

        string? ownerId = null;
        if (segment.Name is "signup_started" or "signup_ended")
        {
            var email = envelope.Data.GetProperty(segment.Name == "signup_started" ? "email" : "sender_email").GetString()!;
            var name = envelope.Data.TryGetProperty("name", out var n) ? n.GetString() : null;
            (ownerId, _) = await owners.UpsertAsync(company.Site, email, name, company.IntercomCompanyId, cancellationToken);
            summary += $"; owner contact {ownerId}";
        }

        if (!isSync)
        {
            ownerId ??= company.Site.OwnerContactId;
            if (ownerId is not null)
            {
                await RecordDataEventAsync(ownerId, segment, envelope, cancellationToken);
                summary += $"; event {segment.Name}";
            }
        }
        return summary;
    }

    private Task RecordDataEventAsync(string contactId, PushSegment segment, EventEnvelope envelope, CancellationToken cancellationToken) =>
        contactEvents.SendAsync(contactId, segment.Name, envelope.ReceivedAt, IntercomMapping.EventMetadata(segment, envelope.Data), cancellationToken);
}
