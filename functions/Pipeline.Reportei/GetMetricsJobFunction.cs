namespace Pipeline.Functions.Reportei;

/// <summary><c>GET /api/metrics/jobs/{job_id}</c> (bearer): a get-data-async job's status and every callback attempt.</summary>
[CheckCaller<ReporteiBearer>]
public sealed class GetMetricsJobFunction(MetricsJobs jobs)
{
    [Function("MetricsJob")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "metrics/jobs/{job_id}")] HttpRequestData request,
        string job_id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(job_id, out var id))
            return ReporteiResponses.Invalid(request, new Dictionary<string, string> { ["job_id"] = "must be a uuid" });
        var job = await jobs.FindAsync(id, cancellationToken);
        return job is null
            ? ReporteiResponses.Error(request, 404, $"no metrics job {id}")
            : request.CreateJsonResponse(HttpStatusCode.OK, MetricsJobAnswer.Of(job), ReporteiJson.Default.MetricsJobAnswer);
    }
}
