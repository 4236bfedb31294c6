namespace Pipeline.Functions.Operations;

/// <summary>
/// <c>GET /api/ops/deliveries?destination=intercom&amp;status=failed&amp;since=…&amp;until=…&amp;subject=…&amp;limit=…&amp;continuation=…</c>:
/// one destination's deliveries of the events created in a time range (default the last 24 h), oldest first,
/// from the delivery index. <c>status</c> may repeat or be comma-separated.
/// </summary>
[CheckCaller<AdminApiKey>]
public sealed class ListDeliveriesFunction(DeliveryIndexReader index,
    IEnumerable<ReplayableDestination> destinations, IEnumerable<RecordedDestination> recordedOnly, TimeProvider clock)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);

    private readonly string[] _destinations = destinations.Select(d => d.Name).Concat(recordedOnly.Select(d => d.Name)).Distinct().ToArray();

    [Function("ListDeliveries")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = AdminRoutes.Prefix + "/deliveries")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        var destination = AdminHttp.Query(request, "destination");
        if (destination is null) return AdminHttp.BadRequest(request, "destination", $"is required: one of {string.Join(", ", _destinations)}");
        if (!_destinations.Contains(destination, StringComparer.Ordinal))
            return AdminHttp.BadRequest(request, "destination", AdminHttp.UnknownDestination(destination, _destinations));
        var statuses = new List<DeliveryStatus>();
        foreach (var word in (request.Query.GetValues("status") ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (word == "any") continue;
            if (!DeliveryJson.Statuses.TryGetValue(word, out var status))
                return AdminHttp.BadRequest(request, "status", $"unknown status '{word}': use any, {string.Join(", ", DeliveryJson.Statuses.Keys)}");
            statuses.Add(status);
        }
        var range = TimeRange.Parse(AdminHttp.Query(request, "since"), AdminHttp.Query(request, "until"), clock, MaxRange, out var problem);
        if (range is null) return AdminHttp.BadRequest(request, problem!.Value.Field, problem.Value.Message);
        var limit = DefaultLimit;
        if (AdminHttp.Query(request, "limit") is { } limitText && (!int.TryParse(limitText, out limit) || limit is < 1 or > MaxLimit))
            return AdminHttp.BadRequest(request, "limit", $"must be a whole number from 1 to {MaxLimit}");

        var filter = new DeliveryFilter(destination, range.Since, range.Until, statuses, AdminHttp.Query(request, "subject"));
        try
        {
            var (rows, next) = await index.PageAsync(filter, AdminHttp.Query(request, "continuation"), limit, cancellationToken);
            return AdminHttp.Ok(request, new DeliveryListing(destination, AdminHttp.Iso(range.Since), AdminHttp.Iso(range.Until),
                rows.Select(DeliveryJson.Row).ToList(), next), OperationsJson.Default.DeliveryListing);
        }
        catch (ArgumentException ex)
        {
            return AdminHttp.BadRequest(request, "continuation", ex.Message.Split(" (")[0]);
        }
    }
}
