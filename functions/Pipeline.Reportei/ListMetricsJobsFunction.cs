using System.Globalization;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Reportei;

/// <summary><c>GET /api/ops/metrics-jobs?limit=50</c> (locally also <c>/api/admin/…</c>) (admin key): the newest metrics jobs with their attempts, for the operations page.</summary>
public sealed class ListMetricsJobsFunction(AdminApiKey adminApiKey, MetricsJobs jobs) : IFunction
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public FunctionDefinition Definition { get; } =
        AdminRoutes.Get("AdminMetricsJobs", "metrics-jobs");

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var request = invocation.Request!;
        if (adminApiKey.Check(request) is { } unauthorized) return InvocationResult.Http(unauthorized);
        var limit = DefaultLimit;
        if (request.Query.TryGetValue("limit", out var values) && values.Length > 0
            && !(int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit))
            return InvocationResult.Http(ReporteiResponses.Invalid(new Dictionary<string, string>
                { ["limit"] = $"must be a whole number from 1 to {MaxLimit}" }));

        var newest = await jobs.NewestAsync(limit, cancellationToken);
        return InvocationResult.Http(new InvocationResponse(200, RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("jobs");
            foreach (var job in newest) MetricsJobsResponse.Write(w, job, withCreatedAt: true);
            w.WriteEndArray();
            w.WriteEndObject();
        })));
    }
}
