namespace Pipeline.Functions.Intercom;

/// <summary>A data event to record on the Intercom contact with this email (created as a <c>user</c> when absent).</summary>
/// <param name="CreatedAt">The event's own time: Intercom deduplicates on (contact, name, created_at), so a resend is harmless.</param>
public sealed record ContactEvent(string Email, string EventName, DateTimeOffset CreatedAt, IReadOnlyList<KeyValuePair<string, JsonElement>> Metadata);

/// <summary>Records a <see cref="ContactEvent"/>: the contact found by email (<c>POST /contacts/search</c>) or created, then <c>POST /events</c>.</summary>
public sealed class IntercomContactEvents(IntercomClient intercom)
{
    /// <returns>The contact's id.</returns>
    public async Task<string> RecordAsync(ContactEvent contactEvent, CancellationToken cancellationToken)
    {
        var contactId = await FindOrCreateAsync(contactEvent.Email, cancellationToken);
        await SendAsync(contactId, contactEvent.EventName, contactEvent.CreatedAt, contactEvent.Metadata, cancellationToken);
        return contactId;
    }

    /// <summary>
    /// <c>POST /events</c> on a known contact. <paramref name="createdAt"/> goes at second granularity: Intercom
    /// deduplicates on (contact, name, created_at), so a resend is harmless.
    /// </summary>
    public async Task SendAsync(string contactId, string eventName, DateTimeOffset createdAt,
        IEnumerable<KeyValuePair<string, JsonElement>> metadata, CancellationToken cancellationToken)
    {
        // Intercom keeps at most 10 metadata keys.
        var kept = metadata.Take(IntercomMapping.MaxEventMetadataKeys).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        var body = IntercomRequestJson.Write(new DataEventRequest(eventName, createdAt.ToUnixTimeSeconds(), contactId, kept));
        (await intercom.SendAsync(HttpMethod.Post, "events", body, cancellationToken)).EnsureSuccess("POST /events");
    }

    private async Task<string> FindOrCreateAsync(string email, CancellationToken cancellationToken)
    {
        const string search = "POST /contacts/search";
        var found = (await intercom.SendAsync(HttpMethod.Post, "contacts/search", OwnerContacts.EmailSearch(email), cancellationToken)).EnsureSuccess(search);
        // An answer without its list, or a match without its id, is not "none found": creating then could make the person twice.
        if (found.RequiredList(search) is [var first, ..]) return found.RequiredIdOf(first, search, "contact");

        var created = await intercom.SendAsync(HttpMethod.Post, "contacts", IntercomRequestJson.Write(new ContactRequest(email)), cancellationToken);
        // Intercom's search lags behind creation: a 409 means the contact exists but was not found yet.
        if (created.Status == 409)
            throw new TransientDeliveryException($"POST /contacts: {created.Describe()} (its search index had not caught up)", 409);
        return created.EnsureSuccess("POST /contacts").RequiredId("POST /contacts", "contact");
    }
}
