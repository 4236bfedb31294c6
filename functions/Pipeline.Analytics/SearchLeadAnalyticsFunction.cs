namespace Pipeline.Functions.Analytics;

/// <summary><c>GET /api/v1/lead_analytics/search</c>: a lead's events of the given recordings, from one table partition.</summary>
public sealed class SearchLeadAnalyticsFunction(AnalyticsIndex index)
{
    [Function("SearchLeadAnalytics")]
    public Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/lead_analytics/search")] HttpRequestData req,
        CancellationToken cancellationToken) =>
        AnalyticsSearch.HandleAsync(AnalyticsIndex.Lead, "lead_id", req, index, cancellationToken);
}
