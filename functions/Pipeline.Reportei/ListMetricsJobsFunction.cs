namespace Pipeline.Functions.Reportei;

/// <summary><c>GET /api/ops/metrics-jobs?limit=50</c> (locally also <c>/api/admin/…</c>) (admin key): the newest metrics jobs with their attempts, for the operations page.</summary>
[CheckCaller<AdminApiKey>]
public sealed class ListMetricsJobsFunction(MetricsJobs jobs)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    [Function("AdminMetricsJobs")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = AdminRoutes.Prefix + "/metrics-jobs")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        var limit = DefaultLimit;
        if (request.Query.GetValues("limit") is [var first, ..]
            && !(int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit))
            return ReporteiResponses.Invalid(request, new Dictionary<string, string>
                { ["limit"] = $"must be a whole number from 1 to {MaxLimit}" });

        var newest = await jobs.NewestAsync(limit, cancellationToken);
        return request.CreateJsonResponse(HttpStatusCode.OK, new MetricsJobsListing(newest.Select(MetricsJobAnswer.Of).ToList()),
            ReporteiJson.Default.MetricsJobsListing);
    }
}
