using Microsoft.Extensions.Options;

namespace Pipeline.Functions.IAdvize;

/// <summary>Says at start-up which iAdvize parts are off for want of a setting, so a refused webhook is never a mystery.</summary>
public sealed class IAdvizeStartupLog(IOptions<IAdvizeOptions> options, ILogger<IAdvizeStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.AllWebhookSecrets.Count == 0)
            logger.LogWarning("iAdvize webhooks are refused (401): neither IAdvize__WebhookSecret nor IAdvize__WebhookSecrets__0 is set");
        if (string.IsNullOrWhiteSpace(settings.ConnectorToken))
            logger.LogWarning("iAdvize connector endpoints are refused (401): IAdvize__ConnectorToken is not set");
        if (!settings.IsConfigured)
            logger.LogInformation("iAdvize visitor sync is off (deliveries recorded as Skipped): IAdvize__ApiKey is not set");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
