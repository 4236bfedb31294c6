namespace Pipeline.Functions.Reportei;

/// <summary>
/// <c>POST /api/metrics/get-data</c> (seed 004, bearer token): the requested metrics of a registered
/// <c>customer_integration</c> over a period (and a comparison period), answered from the per-day rollups.
/// </summary>
[CheckCaller<ReporteiBearer>]
public sealed class GetMetricsDataFunction(MetricsIntegrations integrations, MetricsQuery query)
{
    [Function("MetricsGetData")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "metrics/get-data")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        if (RequestBodies.ReadJsonObject(request, MetricsDataBody.MaxBodyBytes, out var json, emptyIsNoFields: true) is { } refused)
            return ReporteiResponses.Error(request, (int)refused.Status, refused.Message);
        var parsed = RequestBodies.Bind(json, ReporteiJson.Default.MetricsDataBody, out var problems).Check(problems);
        if (parsed is null) return ReporteiResponses.Invalid(request, problems.All);

        var integration = await integrations.FindAsync(parsed.CustomerIntegration, cancellationToken);
        if (integration is null)
            return ReporteiResponses.Error(request, 404, $"customer_integration {parsed.CustomerIntegration} is not registered");
        return request.CreateJsonResponse(HttpStatusCode.OK, await query.AnswerAsync(integration, parsed, cancellationToken),
            ReporteiJson.Default.DictionaryStringMetricAnswer);
    }
}
