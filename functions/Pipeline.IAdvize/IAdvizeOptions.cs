namespace Pipeline.Functions.IAdvize;

/// <summary>Settings under <c>IAdvize__*</c>.</summary>
public sealed class IAdvizeOptions
{
    public const string Section = "IAdvize";

    /// <summary>REST API v2; the high-availability platform is <c>https://ha.iadvize.com/api/2</c>.</summary>
    public string BaseUrl { get; set; } = "https://www.iadvize.com/api/2";

    /// <summary>Sent as <c>X-API-Key</c>. Without it visitor syncs are recorded as <c>Skipped</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The webhook's secret token (the HMAC key of <c>X-iAdvize-Signature</c>).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>More secret tokens, all accepted: a rotation, a connector's token beside per-webhook tokens.</summary>
    public List<string> WebhookSecrets { get; set; } = [];

    /// <summary>The <c>?token=</c> of the connector URLs declared to iAdvize (verification url, visitor profile).</summary>
    public string? ConnectorToken { get; set; }

    /// <summary>Calls to iAdvize in flight at once from this instance; more wait their turn.</summary>
    public int MaxConcurrentCalls { get; set; } = 4;

    public int TimeoutSeconds { get; set; } = 10;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);

    /// <summary>Every configured webhook secret, blanks left out.</summary>
    public IReadOnlyList<string> AllWebhookSecrets =>
        new[] { WebhookSecret }.Concat(WebhookSecrets).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToList();
}
