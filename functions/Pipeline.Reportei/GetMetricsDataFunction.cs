using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Reportei;

/// <summary>
/// <c>POST /api/metrics/get-data</c> (seed 004, bearer token): the requested metrics of a registered
/// <c>customer_integration</c> over a period (and a comparison period), answered from the per-day rollups.
/// </summary>
public sealed class GetMetricsDataFunction(ReporteiBearer bearer, MetricsIntegrations integrations, MetricsQuery query) : IFunction
{
    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("MetricsGetData", "metrics/get-data", ["post"], AuthLevel.Anonymous);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var request = invocation.Request!;
        if (bearer.Check(request) is { } unauthorized) return InvocationResult.Http(unauthorized);
        var (parsed, _, error) = MetricsRequestParser.Read(request);
        if (error is not null) return InvocationResult.Http(error);

        var integration = await integrations.FindAsync(parsed!.CustomerIntegration, cancellationToken);
        if (integration is null)
            return InvocationResult.Http(ReporteiResponses.Error(404, $"customer_integration {parsed.CustomerIntegration} is not registered"));
        return InvocationResult.Http(new InvocationResponse(200, await query.AnswerAsync(integration, parsed, cancellationToken)));
    }
}
