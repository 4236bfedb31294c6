namespace Pipeline.Functions.Intercom;

/// <summary>
/// The site owner's Intercom contact, from signup_started (email) and signup_ended (sender_email, name): found by
/// email, updated or created, and attached to the site's company. Its id is kept on the site's record so that every
/// later push can record a data event on it.
/// </summary>
public sealed class OwnerContacts(IntercomClient intercom, IntercomCompanies sites)
{
    /// <param name="site">The site's record as the caller just read or wrote it.</param>
    /// <returns>The contact's id, and the site's record as stored with it.</returns>
    public async Task<(string ContactId, CompanyRecord Site)> UpsertAsync(CompanyRecord site, string email, string? name,
        string? intercomCompanyId, CancellationToken cancellationToken)
    {
        var contactId = await FindByEmailAsync(email, cancellationToken);
        if (contactId is null)
        {
            var created = await intercom.SendAsync(HttpMethod.Post, "contacts",
                IntercomRequestJson.Write(new ContactRequest(email, name)), cancellationToken);
            // Intercom's search lags behind creation: a 409 means the contact exists but was not yet found.
            // Retrying later (through redelivery) finds it.
            if (created.Status == 409)
                throw new TransientDeliveryException($"POST /contacts: {created.Describe()} (its search index had not caught up)", 409);
            contactId = created.EnsureSuccess("POST /contacts").RequiredId("POST /contacts", "contact");
        }
        else if (name is not null)
        {
            (await intercom.SendAsync(HttpMethod.Put, $"contacts/{Uri.EscapeDataString(contactId)}", IntercomRequestJson.Write(new ContactNameRequest(name)),
                cancellationToken)).EnsureSuccess("PUT /contacts/{id}");
        }

        if (intercomCompanyId is not null)
        {
            (await intercom.SendAsync(HttpMethod.Post, $"contacts/{Uri.EscapeDataString(contactId)}/companies",
                IntercomRequestJson.Write(new CompanyAttachRequest(intercomCompanyId)), cancellationToken)).EnsureSuccess("POST /contacts/{id}/companies");
        }

        site = await sites.UpdateAsync(site.SiteId,
            current => current.OwnerContactId == contactId && current.OwnerEmail == email
                ? null
                : current with { OwnerContactId = contactId, OwnerEmail = email },
            cancellationToken, current: site);
        return (contactId, site);
    }

    /// <summary>The body of <c>POST /contacts/search</c> for the contacts with this email.</summary>
    public static string EmailSearch(string email) => IntercomRequestJson.Write(ContactSearchRequest.ByEmail(email));

    private async Task<string?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        const string call = "POST /contacts/search";
        var response = (await intercom.SendAsync(HttpMethod.Post, "contacts/search", EmailSearch(email), cancellationToken)).EnsureSuccess(call);
        // Exactly one match is updated; none (or an ambiguous several) means create, as Segment's Intercom action does.
        // An answer without its list is not "none": creating then could make the owner twice.
        return response.RequiredList(call) is [var only] ? response.RequiredIdOf(only, call, "contact") : null;
    }
}
