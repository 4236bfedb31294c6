using Pipeline.Functions.Health;

namespace Pipeline.Functions.Operations;

/// <summary>
/// <c>GET /api/ops/summary?hours=24</c>: per destination, how many deliveries of the events of each hour stand at
/// each status, read from the delivery index (status column only, at most <see cref="Cap"/> rows per destination);
/// and each queue's and subscription's backlog as last sampled (<see cref="BacklogMonitor"/>).
/// </summary>
[CheckCaller<AdminApiKey>]
public sealed class DeliverySummaryFunction(DeliveryIndexReader index,
    IEnumerable<ReplayableDestination> destinations, TimeProvider clock, BacklogMonitor backlog)
{
    public const int Cap = 50_000;
    private static readonly string[] Counted = ["delivered", "failed", "skipped", "retrying", "in_flight", "replaying"];

    private readonly string[] _destinations = destinations.Select(d => d.Name).Distinct().ToArray();

    [Function("DeliverySummary")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = AdminRoutes.Prefix + "/summary")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        var hours = 24;
        if (AdminHttp.Query(request, "hours") is { } text && (!int.TryParse(text, out hours) || hours is < 1 or > 168))
            return AdminHttp.BadRequest(request, "hours", "must be a whole number from 1 to 168");

        var now = clock.GetUtcNow();
        var firstHour = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero).AddHours(1 - hours);
        var listed = new List<DestinationSummary>();
        foreach (var destination in _destinations)
        {
            var (rows, capped) = await index.ScanAsync(new DeliveryFilter(destination, firstHour, now.AddSeconds(1)),
                ["PartitionKey", "Status"], Cap, cancellationToken);
            var buckets = Enumerable.Range(0, hours).Select(_ => Counted.ToDictionary(s => s, _ => 0)).ToArray();
            var totals = Counted.ToDictionary(s => s, _ => 0);
            foreach (var row in rows)
            {
                var hourText = row.PartitionKey[(row.PartitionKey.LastIndexOf('|') + 1)..];
                if (!DateTime.TryParseExact(hourText, "yyyyMMddHH", null, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var hour)) continue;
                var slot = (int)(new DateTimeOffset(hour, TimeSpan.Zero) - firstHour).TotalHours;
                if (slot < 0 || slot >= hours) continue;
                var status = Enum.TryParse<DeliveryStatus>(row.GetString("Status"), out var s) ? DeliveryJson.Name(s) : "in_flight";
                buckets[slot][status]++;
                totals[status]++;
            }
            listed.Add(new DestinationSummary(destination, StatusCounts.Of(totals), capped,
                buckets.Select((b, i) => HourCounts.Of(b, AdminHttp.Iso(firstHour.AddHours(i)))).ToList()));
        }
        return AdminHttp.Ok(request, new DeliverySummary(AdminHttp.Iso(firstHour), AdminHttp.Iso(now), listed,
            backlog.Latest.SampledAt is { } sampled ? AdminHttp.Iso(sampled) : null, backlog.Latest.Entries()),
            OperationsJson.Default.DeliverySummary);
    }
}
