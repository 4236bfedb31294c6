using Pipeline.Functions.Telemetry;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// Says once, at start, what is on and what is off for want of a setting: each destination, each credential and
/// the routes it opens. A refused call or a skipped delivery is then never a mystery, and nothing about an unset
/// setting is said anywhere else. Only whether a secret is set is told, never its value.
/// </summary>
public sealed class StartupSummary(
    IConfiguration configuration,
    IEnumerable<IStartupReport> modules,
    ILogger<StartupSummary> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var lines = Lines().ToList();
        logger.LogInformation("Configuration: {On} on, {Off} off for want of a setting", lines.Count(l => l.On), lines.Count(l => !l.On));
        foreach (var line in lines)
            logger.LogInformation("  {State} {Area}: {Text}", line.On ? "on " : "off", line.Area, line.Text);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public IEnumerable<StartupLine> Lines()
    {
        yield return StorageLine();
        foreach (var line in modules.SelectMany(m => m.Lines())) yield return line;
        yield return AdminLine();
        yield return FunctionKeyLine();
        yield return TelemetryLine();
    }

    private StartupLine StorageLine()
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

    private StartupLine AdminLine() => string.IsNullOrEmpty(configuration[AdminApiKey.Setting])
        ? new("admin API", false, "Admin__ApiKey is not set: /api/ops/… (the ops page's data) and /api/metrics/integrations/… answer 401")
        : new("admin API", true, "/api/ops/… and /api/metrics/integrations/… accept the X-Api-Key header");

    private StartupLine FunctionKeyLine()
    {
        if (FunctionsHost.IsCustomHandler(configuration))
            return new("function keys", true, "checked by the Functions host");
        return string.IsNullOrEmpty(configuration["LocalHost:FunctionKey"])
            ? new("function keys", false, "LocalHost__FunctionKey is not set: no key is asked for, as under Core Tools")
            : new("function keys", true, "authLevel function routes need LocalHost__FunctionKey (x-functions-key or ?code=)");
    }

    private StartupLine TelemetryLine()
    {
        var exporters = new List<string>();
        if (!string.IsNullOrWhiteSpace(configuration[TelemetrySetup.AzureMonitorSetting])) exporters.Add("Azure Monitor");
        if (!string.IsNullOrWhiteSpace(configuration[TelemetrySetup.OtlpEndpointSetting])) exporters.Add("OTLP");
        return exporters.Count > 0
            ? new("telemetry export", true, string.Join(" and ", exporters))
            : new("telemetry export", false, "neither APPLICATIONINSIGHTS_CONNECTION_STRING nor OTEL_EXPORTER_OTLP_ENDPOINT is set: logs go to this console only");
    }
}
