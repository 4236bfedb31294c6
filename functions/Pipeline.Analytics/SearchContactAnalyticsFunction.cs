namespace Pipeline.Functions.Analytics;

/// <summary><c>GET /api/v1/contact_analytics/search</c>: a contact's events of the given recordings, from one table partition.</summary>
public sealed class SearchContactAnalyticsFunction(AnalyticsIndex index)
{
    [Function("SearchContactAnalytics")]
    public Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/contact_analytics/search")] HttpRequestData req,
        CancellationToken cancellationToken) =>
        AnalyticsSearch.HandleAsync(AnalyticsIndex.Contact, "contact_id", req, index, cancellationToken);
}
