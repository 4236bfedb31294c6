namespace Pipeline.Functions.Intercom;

/// <summary>
/// What a company upsert did: the Intercom company id, whether a call was needed at all, and the site's record as
/// stored afterwards (read once for the attribute times, so callers need not read it again).
/// </summary>
public sealed record CompanyUpsert(string? IntercomCompanyId, bool Sent, int AttributesSent, CompanyRecord Site);

/// <summary>
/// Sends company attribute updates so that the newest value of every attribute wins by the event's time:
/// <list type="bullet">
/// <item>updates for one company that wait at the same time (while a call for it is on the wire) merge into one
/// call, keeping per attribute the value with the latest event time;</item>
/// <item>each attribute's last sent event time is kept on the site's record, and an older value is never sent over
/// a newer one, so a late redelivery cannot overwrite newer data;</item>
/// <item>one company's sends run one at a time within this instance (striped locks), so two calls for it never
/// cross on the wire.</item>
/// </list>
/// Pacing is not its business: the Intercom client's handlers pace every call.
/// </summary>
public sealed class CompanyUpdateCoalescer(IntercomClient intercom, IntercomCompanies sites)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Batch> _open = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <param name="resendCurrent">Send values whose event time equals the last sent one too (a forced resync); never older ones.</param>
    /// <param name="alsoRecord">A change to the site's record to write with the attribute times, once the call succeeded.</param>
    public async Task<CompanyUpsert> UpsertAsync(string siteId, IReadOnlyDictionary<string, JsonElement> attributes,
        DateTimeOffset eventTime, bool resendCurrent, Func<CompanyRecord, CompanyRecord?>? alsoRecord, CancellationToken cancellationToken)
    {
        Batch batch;
        bool leads;
        lock (_gate)
        {
            leads = !_open.TryGetValue(siteId, out batch!);
            if (leads)
            {
                batch = new Batch();
                _open[siteId] = batch;
            }
            batch.Merge(attributes, eventTime);
            batch.ResendCurrent |= resendCurrent;
            if (alsoRecord is not null) batch.AlsoRecord.Add(alsoRecord);
        }
        return leads
            ? await LeadAsync(siteId, batch, cancellationToken)
            : await batch.Result.Task.WaitAsync(cancellationToken); // merged into a call another update leads
    }

    private async Task<CompanyUpsert> LeadAsync(string siteId, Batch batch, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(siteId) % _stripes.Length];
        try
        {
            await stripe.WaitAsync(cancellationToken);
            try
            {
                lock (_gate) _open.Remove(siteId); // later updates start the next batch
                var result = await SendAsync(siteId, batch, cancellationToken);
                batch.Result.TrySetResult(result);
                return result;
            }
            finally
            {
                stripe.Release();
            }
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                if (_open.TryGetValue(siteId, out var open) && open == batch) _open.Remove(siteId);
            }
            batch.Result.TrySetException(ex);
            throw;
        }
    }

    private async Task<CompanyUpsert> SendAsync(string siteId, Batch batch, CancellationToken cancellationToken)
    {
        // Read inside the company's stripe: the times are those the previous call for it wrote.
        var site = await sites.GetAsync(siteId, cancellationToken);
        var fresh = batch.Values
            .Where(kv => !site.AttributeTimes.TryGetValue(kv.Key, out var sentAt)
                         || sentAt < kv.Value.Time.ToUnixTimeMilliseconds()
                         || (batch.ResendCurrent && sentAt == kv.Value.Time.ToUnixTimeMilliseconds()))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var knownCompanyId = site.IntercomCompanyId;
        if (fresh.Count == 0 && knownCompanyId is not null)
        {
            site = await sites.UpdateAsync(siteId, batch.ApplyAlsoRecord, cancellationToken, current: site);
            return new CompanyUpsert(knownCompanyId, Sent: false, 0, site);
        }

        var update = new CompanyUpdate(siteId, fresh.ToDictionary(kv => kv.Key, kv => kv.Value.Value));
        var response = (await intercom.SendAsync(HttpMethod.Post, "companies", update.ToJson(), cancellationToken))
            .EnsureSuccess("POST /companies");
        // Unlike a contact's, a company's id is not required of the answer: POST /companies upserts by our company_id, so
        // a 2xx means the attributes are in whatever its body says. The id only lets owner contacts be attached, and
        // a later upsert's answer brings it; an unreadable body must not turn a done update into a failure.
        var companyId = IntercomResponse.IdOf(response.TryObject()) ?? knownCompanyId;

        site = await sites.UpdateAsync(siteId, current =>
        {
            var times = current.AttributeTimes.ToBuilder();
            foreach (var (name, (_, time)) in fresh)
            {
                var sentAt = time.ToUnixTimeMilliseconds();
                if (!times.TryGetValue(name, out var recorded) || recorded < sentAt) times[name] = sentAt;
            }
            var sent = current with { IntercomCompanyId = companyId ?? current.IntercomCompanyId, AttributeTimes = times.ToImmutable() };
            return batch.ApplyAlsoRecord(sent) ?? sent;
        }, cancellationToken, current: site);
        return new CompanyUpsert(companyId, Sent: true, fresh.Count, site);
    }

    private sealed class Batch
    {
        public Dictionary<string, (JsonElement Value, DateTimeOffset Time)> Values { get; } = new(StringComparer.Ordinal);
        public List<Func<CompanyRecord, CompanyRecord?>> AlsoRecord { get; } = [];
        public TaskCompletionSource<CompanyUpsert> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool ResendCurrent { get; set; }

        public void Merge(IReadOnlyDictionary<string, JsonElement> attributes, DateTimeOffset eventTime)
        {
            foreach (var (name, value) in attributes)
            {
                if (!Values.TryGetValue(name, out var current) || current.Time <= eventTime)
                    Values[name] = (value.Clone(), eventTime);
            }
        }

        /// <returns>The record with every merged update's own change, or null when none changes anything.</returns>
        public CompanyRecord? ApplyAlsoRecord(CompanyRecord site)
        {
            CompanyRecord? changed = null;
            foreach (var change in AlsoRecord)
                if (change(changed ?? site) is { } next) changed = next;
            return changed;
        }
    }
}
