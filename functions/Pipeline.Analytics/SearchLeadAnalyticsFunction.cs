using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Analytics;

/// <summary><c>GET /api/v1/lead_analytics/search</c>: a lead's events of the given recordings, from one table partition.</summary>
public sealed class SearchLeadAnalyticsFunction(AnalyticsIndex index) : IFunction
{
    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("SearchLeadAnalytics", "v1/lead_analytics/search", ["get"], AuthLevel.Function);

    public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        AnalyticsSearch.HandleAsync(AnalyticsIndex.Lead, "lead_id", invocation.Request!, index, cancellationToken);
}
