namespace Pipeline.Functions.Reportei;

/// <summary>
/// <c>PUT/GET/DELETE /api/metrics/integrations/{customer_integration}</c> (admin key): which site, tracking app,
/// analytics customer and iAdvize website a Reportei <c>customer_integration</c> uuid reads its metrics from.
/// </summary>
[CheckCaller<AdminApiKey>]
public sealed class MetricsIntegrationFunction(MetricsIntegrations integrations)
{
    public const int MaxIdLength = 256;

    [Function("MetricsIntegration")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "put", "get", "delete", Route = "metrics/integrations/{customer_integration}")]
        HttpRequestData request,
        string customer_integration, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(customer_integration, out var id))
            return ReporteiResponses.Invalid(request, new Dictionary<string, string> { ["customer_integration"] = "must be a uuid" });

        switch (request.Method.ToUpperInvariant())
        {
            case "GET":
                return await integrations.FindAsync(id, cancellationToken) is { } found
                    ? request.CreateJsonResponse(HttpStatusCode.OK, MetricsIntegrationAnswer.Of(found), ReporteiJson.Default.MetricsIntegrationAnswer)
                    : ReporteiResponses.Error(request, 404, $"customer_integration {id} is not registered");
            case "DELETE":
                return await integrations.DeleteAsync(id, cancellationToken)
                    ? request.CreateJsonResponse(HttpStatusCode.NoContent, "")
                    : ReporteiResponses.Error(request, 404, $"customer_integration {id} is not registered");
        }

        if (RequestBodies.ReadJsonObject(request, 16 * 1024, out var body, emptyIsNoFields: true) is { } refused)
            return ReporteiResponses.Error(request, (int)refused.Status, refused.Message);
        var integration = RequestBodies.Bind(body, ReporteiJson.Default.MetricsIntegrationBody, out var problems).Check(problems, id);
        if (integration is null) return ReporteiResponses.Invalid(request, problems.All);

        await integrations.PutAsync(integration, cancellationToken);
        return request.CreateJsonResponse(HttpStatusCode.OK, MetricsIntegrationAnswer.Of(integration), ReporteiJson.Default.MetricsIntegrationAnswer);
    }
}

/// <summary>
/// The body of the PUT: the ids a <c>customer_integration</c> reads its metrics from, each as text (a number is taken as
/// its text, as ids often are numbers). A field that is not one of <see cref="MetricsIntegration.Fields"/> is refused by name.
/// </summary>
public sealed record MetricsIntegrationBody(
    [property: JsonConverter(typeof(TextOrNumberConverter))] string? SiteId,
    [property: JsonConverter(typeof(TextOrNumberConverter))] string? TrackingAppKey,
    [property: JsonConverter(typeof(TextOrNumberConverter))] string? AnalyticsCustomerId,
    [property: JsonConverter(typeof(TextOrNumberConverter)), JsonPropertyName("iadvize_website_id")] string? IAdvizeWebsiteId)
{
    // Settable: the serializer fills an extension data property after construction, never through it (nor init).
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }

    /// <returns>The integration; null when <paramref name="problems"/> names any.</returns>
    public MetricsIntegration? Check(FieldProblems problems, Guid id)
    {
        var siteId = IdOf(problems, "site_id", SiteId);
        var trackingAppKey = IdOf(problems, "tracking_app_key", TrackingAppKey);
        var analyticsCustomerId = IdOf(problems, "analytics_customer_id", AnalyticsCustomerId);
        var iadvizeWebsiteId = IdOf(problems, "iadvize_website_id", IAdvizeWebsiteId);
        foreach (var name in Unknown?.Keys ?? Enumerable.Empty<string>())
            problems.Add(name, $"is not a field; use {string.Join(", ", MetricsIntegration.Fields)}");
        if (!problems.Any && siteId is null && trackingAppKey is null && analyticsCustomerId is null && iadvizeWebsiteId is null)
            problems.Add("body", $"must name at least one of {string.Join(", ", MetricsIntegration.Fields)}");
        return problems.Any ? null : new MetricsIntegration(id, siteId, trackingAppKey, analyticsCustomerId, iadvizeWebsiteId);
    }

    private static string? IdOf(FieldProblems problems, string field, string? value) =>
        MetricsDataBody.Text(problems, field, value, required: false, MetricsIntegrationFunction.MaxIdLength);
}
