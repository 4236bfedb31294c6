namespace Pipeline.Functions.Reportei;

/// <summary>Settings under <c>Reportei__*</c>.</summary>
public sealed class ReporteiOptions
{
    public const string Section = "Reportei";

    /// <summary>Bearer tokens Reportei may call with (<c>Reportei__Tokens__0</c>, <c>__1</c>, …); none configured: every call is refused.</summary>
    public List<string> Tokens { get; set; } = [];

    /// <summary>The Standard Webhooks secret, <c>whsec_</c> + base64: its decoded bytes key the callbacks' HMAC.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Seconds after each failed attempt before the next one (Svix's schedule); after the last, the job has failed.</summary>
    public string RetryScheduleSeconds { get; set; } = "5,300,1800,7200,18000,36000,36000";

    /// <summary>Allow <c>http://</c> callback URLs (local receivers); https only otherwise.</summary>
    public bool AllowHttpWebhooks { get; set; }

    /// <summary>Hosts exempt from the address rules (<c>Reportei__AllowedWebhookHosts__0</c>, …), e.g. a receiver on 127.0.0.1.</summary>
    public List<string> AllowedWebhookHosts { get; set; } = [];

    /// <summary>How long one callback may take before it counts as failed.</summary>
    public int WebhookTimeoutSeconds { get; set; } = 15;

    public IReadOnlyList<TimeSpan> RetryDelays() =>
        RetryScheduleSeconds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture,
                out var seconds) && seconds >= 0
                ? TimeSpan.FromSeconds(seconds)
                : throw new InvalidOperationException($"Reportei__RetryScheduleSeconds: '{s}' is not a number of seconds"))
            .ToList();

    public bool RetryDelaysAreValid()
    {
        try
        {
            RetryDelays();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public bool IsAllowedHost(string host) =>
        AllowedWebhookHosts.Any(h => string.Equals(h.Trim().TrimStart('[').TrimEnd(']'), host.TrimStart('[').TrimEnd(']'),
            StringComparison.OrdinalIgnoreCase));
}
