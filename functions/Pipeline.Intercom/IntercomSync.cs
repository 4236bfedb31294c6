using Pipeline.Functions.GhostMonitor;

namespace Pipeline.Functions.Intercom;

/// <summary>
/// Everything a push does in Intercom (the README's mapping table): the company's attributes, the owner contact for
/// sign-up segments, a data event on the owner contact, and for statistics the mark of what Intercom has. A
/// statistics re-send by the sweep does the same with the statistics' own time, and records no data event.
/// </summary>
/// <exception cref="TransientDeliveryException">Retry later.</exception>
/// <exception cref="RefusedDeliveryException">Intercom refused for good.</exception>
public sealed class IntercomSync(CompanyUpdateCoalescer companies, OwnerContacts owners, IntercomContactEvents contactEvents)
    : IDeliveryHandler<PushReceived>, IDeliveryHandler<StatisticsResent>
{
    public Task<DeliveryOutcome> DeliverAsync(PushReceived push, EventEnvelope envelope, CancellationToken cancellationToken) =>
        ApplyAsync(push, envelope.ReceivedAt, envelope.Id, resend: false, forced: false, cancellationToken);

    public Task<DeliveryOutcome> DeliverAsync(StatisticsResent resent, EventEnvelope envelope, CancellationToken cancellationToken) =>
        ApplyAsync(resent.Statistics, resent.StatisticsAt ?? envelope.ReceivedAt, resent.StatisticsEventId ?? envelope.Id, resend: true,
            resent.Force, cancellationToken);

    /// <param name="eventTime">When the values were true: newer attribute values already sent are never overwritten.</param>
    /// <param name="statisticsEventId">The statistics push these values are (marked as synced once sent).</param>
    private async Task<DeliveryOutcome> ApplyAsync(PushReceived push, DateTimeOffset eventTime, Guid statisticsEventId, bool resend,
        bool forced, CancellationToken cancellationToken)
    {
        if (push is not { Segment: { } segment, SiteId: { } siteId }) return new DeliveryOutcome.Skipped("no Intercom mapping for this push");

        // The site's record is read once, inside the company upsert, and written once with what this event changed:
        // the attribute times, and for statistics the mark of what Intercom now has (an already synced re-send finds
        // every attribute time as new as its own, so it sends nothing).
        Func<CompanyRecord, CompanyRecord?>? markSynced = segment.Name == "statistics"
            ? site => StatisticsResent.MarkSynced(site, statisticsEventId, eventTime)
            : null;
        var company = await companies.UpsertAsync(siteId, IntercomMapping.CompanyAttributes(push), eventTime,
            resendCurrent: forced, markSynced, cancellationToken);
        var summary = company.Sent ? $"company {siteId}: {company.AttributesSent} attributes"
            : resend ? "statistics already synced"
            : $"company {siteId}: nothing newer";

        string? ownerId = null;
        if (push.OwnerEmail is { } email)
        {
            (ownerId, _) = await owners.UpsertAsync(company.Site, email, push.OwnerName, company.IntercomCompanyId, cancellationToken);
            summary += $"; owner contact {ownerId}";
        }

        if (!resend)
        {
            ownerId ??= company.Site.OwnerContactId;
            if (ownerId is not null)
            {
                await contactEvents.SendAsync(ownerId, segment.Name, eventTime, IntercomMapping.EventMetadata(push), cancellationToken);
                summary += $"; event {segment.Name}";
            }
        }
        return new DeliveryOutcome.Delivered(200, summary);
    }
}
