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

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (RequestBodies.ReadJsonObject(request, 16 * 1024, out var body, emptyIsNoFields: true) is { } refused)
            return ReporteiResponses.Error(request, (int)refused.Status, refused.Message);

        var values = new Dictionary<string, string?>();
        foreach (var field in MetricsIntegration.Fields)
        {
            if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) continue;
            var textValue = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            };
            if (string.IsNullOrWhiteSpace(textValue)) errors[field] = "must be a non-empty string";
            else if (textValue.Length > MaxIdLength) errors[field] = $"must be at most {MaxIdLength} characters";
            else values[field] = textValue;
        }
        foreach (var property in body.EnumerateObject().Where(p => !MetricsIntegration.Fields.Contains(p.Name)))
            errors[property.Name] = $"is not a field; use {string.Join(", ", MetricsIntegration.Fields)}";
        if (errors.Count == 0 && values.Count == 0)
            errors["body"] = $"must name at least one of {string.Join(", ", MetricsIntegration.Fields)}";
        if (errors.Count > 0) return ReporteiResponses.Invalid(request, errors);

        var integration = new MetricsIntegration(id, values.GetValueOrDefault("site_id"), values.GetValueOrDefault("tracking_app_key"),
            values.GetValueOrDefault("analytics_customer_id"), values.GetValueOrDefault("iadvize_website_id"));
        await integrations.PutAsync(integration, cancellationToken);
        return request.CreateJsonResponse(HttpStatusCode.OK, MetricsIntegrationAnswer.Of(integration), ReporteiJson.Default.MetricsIntegrationAnswer);
    }
}
