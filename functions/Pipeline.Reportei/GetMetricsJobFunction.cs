using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Reportei;

/// <summary><c>GET /api/metrics/jobs/{job_id}</c> (bearer): a get-data-async job's status and every callback attempt.</summary>
public sealed class GetMetricsJobFunction(ReporteiBearer bearer, MetricsJobs jobs) : IFunction
{
    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("MetricsJob", "metrics/jobs/{job_id}", ["get"], AuthLevel.Anonymous);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var request = invocation.Request!;
        if (bearer.Check(request) is { } unauthorized) return InvocationResult.Http(unauthorized);
        var text = request.RouteParams.GetValueOrDefault("job_id") ?? "";
        if (!Guid.TryParse(text, out var id))
            return InvocationResult.Http(ReporteiResponses.Invalid(new Dictionary<string, string> { ["job_id"] = "must be a uuid" }));
        var job = await jobs.FindAsync(id, cancellationToken);
        return InvocationResult.Http(job is null
            ? ReporteiResponses.Error(404, $"no metrics job {id}")
            : new InvocationResponse(200, RequestBodies.Json(w => MetricsJobsResponse.Write(w, job, withCreatedAt: true))));
    }
}
