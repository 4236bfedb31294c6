using System.Text.Json;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Reportei;

/// <summary>
/// <c>PUT/GET/DELETE /api/metrics/integrations/{customer_integration}</c> (admin key): which site, tracking app,
/// analytics customer and iAdvize website a Reportei <c>customer_integration</c> uuid reads its metrics from.
/// </summary>
public sealed class MetricsIntegrationFunction(MetricsIntegrations integrations, AdminApiKey adminApiKey) : IFunction
{
    public const int MaxIdLength = 256;

    public FunctionDefinition Definition { get; } = FunctionDefinition.Http("MetricsIntegration",
        "metrics/integrations/{customer_integration}", ["put", "get", "delete"], AuthLevel.Function);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var request = invocation.Request!;
        if (adminApiKey.Check(request) is { } unauthorized) return InvocationResult.Http(unauthorized);
        var text = request.RouteParams.GetValueOrDefault("customer_integration") ?? "";
        if (!Guid.TryParse(text, out var id))
            return Answer(ReporteiResponses.Invalid(new Dictionary<string, string> { ["customer_integration"] = "must be a uuid" }));

        switch (request.Method.ToUpperInvariant())
        {
            case "GET":
                return await integrations.FindAsync(id, cancellationToken) is { } found
                    ? Answer(new InvocationResponse(200, Write(found)))
                    : Answer(ReporteiResponses.Error(404, $"customer_integration {id} is not registered"));
            case "DELETE":
                return await integrations.DeleteAsync(id, cancellationToken)
                    ? Answer(new InvocationResponse(204, ""))
                    : Answer(ReporteiResponses.Error(404, $"customer_integration {id} is not registered"));
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (RequestBodies.TryReadJsonObject(request, 16 * 1024, out var body, out var reason))
        {
            case RequestBodies.Problem.TooLarge:
                return Answer(ReporteiResponses.Error(413, "body is larger than 16 KiB"));
            case RequestBodies.Problem.Malformed:
                return Answer(ReporteiResponses.Error(400, $"body is not valid JSON: {reason}"));
            case RequestBodies.Problem.NotAnObject:
                return Answer(ReporteiResponses.Error(400, "body must be a JSON object"));
            case RequestBodies.Problem.Empty:
                errors["body"] = $"must name at least one of {string.Join(", ", MetricsIntegration.Fields)}";
                return Answer(ReporteiResponses.Invalid(errors));
        }

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
        if (errors.Count > 0) return Answer(ReporteiResponses.Invalid(errors));

        var integration = new MetricsIntegration(id, values.GetValueOrDefault("site_id"), values.GetValueOrDefault("tracking_app_key"),
            values.GetValueOrDefault("analytics_customer_id"), values.GetValueOrDefault("iadvize_website_id"));
        await integrations.PutAsync(integration, cancellationToken);
        return Answer(new InvocationResponse(200, Write(integration)));
    }

    private static InvocationResult Answer(InvocationResponse response) => InvocationResult.Http(response);

    private static string Write(MetricsIntegration integration) => RequestBodies.Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("customer_integration", integration.Id.ToString("D"));
        foreach (var field in MetricsIntegration.Fields)
        {
            if (integration.Get(field) is { } value) w.WriteString(field, value);
            else w.WriteNull(field);
        }
        w.WriteEndObject();
    });
}
