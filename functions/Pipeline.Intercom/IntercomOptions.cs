namespace Pipeline.Functions.Intercom;

/// <summary>Settings under <c>Intercom__*</c>.</summary>
public sealed class IntercomOptions
{
    public const string Section = "Intercom";

    public string BaseUrl { get; set; } = "https://api.intercom.io";
    public string? AccessToken { get; set; }
    public string ApiVersion { get; set; } = "2.11";
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Calls per minute before Intercom's own headers say otherwise (a private app's default limit).</summary>
    public int RequestsPerMinute { get; set; } = 10_000;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(AccessToken);
}
