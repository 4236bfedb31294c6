namespace Pipeline.Functions.IAdvize;

/// <summary>
/// The email of an iAdvize visitor (by iAdvize <c>unique_id</c>) when the pipeline knows that person: a visitor it
/// upserted (<see cref="IAdvizeVisitors"/>), or, with an API key, one <c>GET /visitor?filters[unique_id]=…</c> gives an
/// external id or an email of a visitor the pipeline knows. For modules that act on the person (Intercom's contact).
/// </summary>
public sealed class KnownVisitorEmails(IAdvizeVisitors visitors, IAdvizeClient iadvize, IOptions<IAdvizeOptions> options)
{
    /// <exception cref="Delivery.TransientDeliveryException">iAdvize could not be asked now; retry later.</exception>
    public async Task<string?> EmailOfAsync(string uniqueId, CancellationToken cancellationToken)
    {
        if (await visitors.LinkOfUniqueIdAsync(uniqueId, cancellationToken) is { } link)
        {
            if ((await visitors.FindAsync(link.VisitorId, cancellationToken))?.Email is { } current) return current;
            // The visitor index (another subscription) may not have taken the session in yet; the link itself says
            // which email the visitor had when iAdvize learnt of it (a webhook right after an init was skipped).
            if (link.Email is { } atLink) return atLink;
        }
        if (!options.Value.IsConfigured) return null;

        var answer = await iadvize.LookUpVisitorAsync("unique_id", uniqueId, cancellationToken);
        // iAdvize refusing the lookup for good (meta.status fail, a 4xx) makes the visitor as unknown as one it does
        // not find. An unreadable success says nothing of the visitor, so FirstVisitor refuses it with the reason.
        if (answer.IsRefusal) return null;
        if (answer.FirstVisitor(IAdvizeClient.LookupCall("unique_id")) is not { } found) return null;
        if (VisitorSync.Text(found, "external_id") is { } externalId && (await visitors.FindAsync(externalId, cancellationToken))?.Email is { } known)
            return known;
        return VisitorSync.Text(found, "email") is { } email && (await visitors.VisitorsOfEmailAsync(email, cancellationToken)).Count > 0
            ? email
            : null;
    }
}
