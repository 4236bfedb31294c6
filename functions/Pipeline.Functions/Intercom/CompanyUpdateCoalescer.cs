using System.Text.Json;
using Pipeline.Functions.Storage;


namespace Pipeline.Functions.Intercom;

/// <summary>
/// What a company upsert did: the Intercom company id, whether a call was needed at all, and the site's owner
/// contact as its row showed it (read anyway for the attribute times, so callers need not read it again).
/// </summary>
public sealed record CompanyUpsert(string? IntercomCompanyId, bool Sent, int AttributesSent, string? OwnerContactId);

/// <summary>
/// Sends company attribute updates so that the newest value of every attribute wins by the event's time:
/// <list type="bullet">
/// <item>updates for one company waiting at the same time (for the company or for the rate limiter) merge into one
/// call, keeping per attribute the value with the latest event time;</item>
/// <item>each attribute's last sent event time is kept on the site's row, and an older value is never sent over
/// a newer one, so a late redelivery cannot overwrite newer data;</item>
/// <item>one company's sends run one at a time within this instance (striped locks), so two calls for it never
/// cross on the wire.</item>
/// </list>
/// </summary>
public sealed class CompanyUpdateCoalescer(IntercomClient intercom, IntercomRateLimiter limiter, SiteDirectory sites)
{
    public const string AttributeTimePrefix = "At_";
    public const string IntercomCompanyIdProperty = "IntercomCompanyId";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Batch> _open = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <param name="resendCurrent">Send values whose event time equals the last sent one too (a forced resync); never older ones.</param>
    public async Task<CompanyUpsert> UpsertAsync(string siteId, IReadOnlyDictionary<string, JsonElement> attributes,
        DateTimeOffset eventTime, bool resendCurrent, CancellationToken cancellationToken)
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
                await limiter.AcquireAsync(cancellationToken);
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
        var site = await sites.FindAsync(siteId, cancellationToken);
        var fresh = batch.Values
            .Where(kv => site?.GetInt64(AttributeTimePrefix + kv.Key) is not { } sentAt
                         || sentAt < kv.Value.Time.ToUnixTimeMilliseconds()
                         || (batch.ResendCurrent && sentAt == kv.Value.Time.ToUnixTimeMilliseconds()))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var knownCompanyId = site?.GetString(IntercomCompanyIdProperty);
        var ownerContactId = site?.GetString(OwnerContacts.OwnerContactIdProperty);
        if (fresh.Count == 0 && knownCompanyId is not null) return new CompanyUpsert(knownCompanyId, Sent: false, 0, ownerContactId);

        var update = new CompanyUpdate(siteId, fresh.ToDictionary(kv => kv.Key, kv => kv.Value.Value));
        var response = (await intercom.SendAcquiredAsync(HttpMethod.Post, "companies", update.ToJson(), cancellationToken))
            .EnsureSuccess("POST /companies");
        var companyId = response.Json().TryGetProperty("id", out var id) ? id.GetString() : knownCompanyId;

        await sites.UpdateAsync(siteId, entity =>
        {
            if (companyId is not null) entity[IntercomCompanyIdProperty] = companyId;
            foreach (var (name, (_, time)) in fresh)
            {
                var key = AttributeTimePrefix + name;
                var sentAt = time.ToUnixTimeMilliseconds();
                if (entity.GetInt64(key) is not { } recorded || recorded < sentAt) entity[key] = sentAt;
            }
            return true;
        }, cancellationToken);
        return new CompanyUpsert(companyId, Sent: true, fresh.Count, ownerContactId);
    }

    private sealed class Batch
    {
        public Dictionary<string, (JsonElement Value, DateTimeOffset Time)> Values { get; } = new(StringComparer.Ordinal);
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
    }
}
