namespace Pipeline.Functions.IAdvize;

public sealed class IAdvizeStartupReport(IOptions<IAdvizeOptions> options) : IStartupReport
{
    public IEnumerable<StartupLine> Lines()
    {
        var o = options.Value;
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
}
