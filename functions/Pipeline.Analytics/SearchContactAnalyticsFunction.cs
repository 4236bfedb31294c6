using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Analytics;

/// <summary><c>GET /api/v1/contact_analytics/search</c>: a contact's events of the given recordings, from one table partition.</summary>
public sealed class SearchContactAnalyticsFunction(AnalyticsIndex index) : IFunction
{
    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("SearchContactAnalytics", "v1/contact_analytics/search", ["get"], AuthLevel.Function);

    public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        AnalyticsSearch.HandleAsync(AnalyticsIndex.Contact, "contact_id", invocation.Request!, index, cancellationToken);
}
