using Microsoft.Extensions.Options;
using Pipeline.Functions.IAdvize;
using Pipeline.Functions.Intercom;
using Pipeline.Functions.Reportei;
using Pipeline.Functions.Storage;
using Pipeline.Functions.Telemetry;
using Pipeline.Functions.Tracking;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// Says once, at start, what is on and what is off for want of a setting: each destination, each credential and
/// the routes it opens. A refused call or a skipped delivery is then never a mystery, and nothing about an unset
/// setting is said anywhere else. Only whether a secret is set is told, never its value.
/// </summary>
public sealed class StartupSummary(
    IConfiguration configuration,
    IOptions<IntercomOptions> intercom,
    IOptions<IAdvizeOptions> iadvize,
    IOptions<TrackingOptions> tracking,
    IOptions<ReporteiOptions> reportei,
    ILogger<StartupSummary> logger) : IHostedService
{
    public sealed record Line(string Area, bool On, string Text);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var lines = Lines().ToList();
        logger.LogInformation("Configuration: {On} on, {Off} off for want of a setting", lines.Count(l => l.On), lines.Count(l => !l.On));
        foreach (var line in lines)
            logger.LogInformation("  {State} {Area}: {Text}", line.On ? "on " : "off", line.Area, line.Text);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public IEnumerable<Line> Lines()
    {
        yield return StorageLine();
        yield return IntercomLine(intercom.Value);
        foreach (var line in IAdvizeLines(iadvize.Value)) yield return line;
        yield return TrackingLine(tracking.Value);
        yield return AdminLine();
        foreach (var line in ReporteiLines(reportei.Value)) yield return line;
        yield return FunctionKeyLine();
        yield return TelemetryLine();
    }

    private Line StorageLine()
    {
        var connection = configuration[StorageAccount.ConnectionSetting];
        if (string.IsNullOrWhiteSpace(connection))
            return new("storage", true, $"the account {StorageAccount.ConnectionSetting}__accountName names, through its identity");
        var endpoints = connection.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].EndsWith("Endpoint", StringComparison.OrdinalIgnoreCase))
            .Select(pair => $"{pair[0][..^"Endpoint".Length].ToLowerInvariant()} {pair[1]}")
            .ToList();
        return new("storage", true, endpoints.Count > 0
            ? string.Join(", ", endpoints)
            : connection.StartsWith("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
                ? "Azurite at its default ports (10000-10002)"
                : "the account of the AzureWebJobsStorage connection string");
    }

    private static Line IntercomLine(IntercomOptions o) => o.IsConfigured
        ? new("Intercom", true, $"deliveries and the statistics sweep's syncs go to {o.BaseUrl}")
        : new("Intercom", false, "Intercom__AccessToken is not set: deliveries are recorded as Skipped (events are still stored)");

    private static IEnumerable<Line> IAdvizeLines(IAdvizeOptions o)
    {
        yield return o.IsConfigured
            ? new("iAdvize visitor sync", true, $"visitors are synced to {o.BaseUrl}")
            : new("iAdvize visitor sync", false, "IAdvize__ApiKey is not set: syncs are recorded as Skipped and unknown webhook visitors are not looked up");
        yield return o.AllWebhookSecrets.Count > 0
            ? new("iAdvize webhooks", true, $"POST /api/webhooks/iadvize checks signatures with {o.AllWebhookSecrets.Count} secret(s)")
            : new("iAdvize webhooks", false, "neither IAdvize__WebhookSecret nor IAdvize__WebhookSecrets__0 is set: POST /api/webhooks/iadvize answers 401");
        yield return string.IsNullOrWhiteSpace(o.ConnectorToken)
            ? new("iAdvize connector", false, "IAdvize__ConnectorToken is not set: /api/iadvize/verify and /api/iadvize/visitor-profile answer 401")
            : new("iAdvize connector", true, "/api/iadvize/verify and /api/iadvize/visitor-profile accept ?token=");
    }

    private static Line TrackingLine(TrackingOptions o)
    {
        var keys = o.AppKeys.Count(k => !string.IsNullOrWhiteSpace(k));
        return keys > 0
            ? new("tracking", true, $"/api/jsapi/… and /api/mobileapi/… accept {keys} app key(s)" +
                                    (string.IsNullOrEmpty(o.IdSecret) ? "; visitor ids use the secret kept in Table Storage" : ""))
            : new("tracking", false, "Tracking__AppKeys__0 is not set: every /api/jsapi/… and /api/mobileapi/… call answers 401");
    }

    private Line AdminLine() => string.IsNullOrEmpty(configuration[AdminApiKey.Setting])
        ? new("admin API", false, "Admin__ApiKey is not set: /api/ops/… (the ops page's data) and /api/metrics/integrations/… answer 401")
        : new("admin API", true, "/api/ops/… and /api/metrics/integrations/… accept the X-Api-Key header");

    private static IEnumerable<Line> ReporteiLines(ReporteiOptions o)
    {
        var tokens = o.Tokens.Count(t => !string.IsNullOrWhiteSpace(t));
        yield return tokens > 0
            ? new("Reportei", true, $"/api/metrics/get-data, get-data-async and jobs accept {tokens} bearer token(s)")
            : new("Reportei", false, "Reportei__Tokens__0 is not set: every /api/metrics/get-data… and /api/metrics/jobs/… call answers 401");
        yield return global::Pipeline.Functions.Reportei.WebhookSignature.KeyOf(o.WebhookSecret) is not null
            ? new("Reportei callbacks", true, "get-data-async signs its callbacks")
            : new("Reportei callbacks", false, "Reportei__WebhookSecret (whsec_ + base64) is not set" +
                  (string.IsNullOrWhiteSpace(o.WebhookSecret) ? "" : " to a usable value") + ": get-data-async answers 503");
    }

    private Line FunctionKeyLine()
    {
        if (!string.IsNullOrWhiteSpace(configuration[PipelineApp.CustomHandlerPortSetting]))
            return new("function keys", true, "checked by the Functions host");
        return string.IsNullOrEmpty(configuration["LocalHost:FunctionKey"])
            ? new("function keys", false, "LocalHost__FunctionKey is not set: no key is asked for, as under Core Tools")
            : new("function keys", true, "authLevel function routes need LocalHost__FunctionKey (x-functions-key or ?code=)");
    }

    private Line TelemetryLine()
    {
        var exporters = new List<string>();
        if (!string.IsNullOrWhiteSpace(configuration[TelemetrySetup.AzureMonitorSetting])) exporters.Add("Azure Monitor");
        if (!string.IsNullOrWhiteSpace(configuration[TelemetrySetup.OtlpEndpointSetting])) exporters.Add("OTLP");
        return exporters.Count > 0
            ? new("telemetry export", true, string.Join(" and ", exporters))
            : new("telemetry export", false, "neither APPLICATIONINSIGHTS_CONNECTION_STRING nor OTEL_EXPORTER_OTLP_ENDPOINT is set: logs go to this console only");
    }
}
