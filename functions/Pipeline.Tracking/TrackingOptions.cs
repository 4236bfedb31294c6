namespace Pipeline.Functions.Tracking;

/// <summary>Settings under <c>Tracking__*</c>.</summary>
public sealed class TrackingOptions
{
    public const string Section = "Tracking";

    /// <summary>The configured apps' keys (<c>Tracking__AppKeys__0</c>, <c>Tracking__AppKeys__1</c>, …).</summary>
    public List<string> AppKeys { get; set; } = [];

    /// <summary>
    /// Secret for deriving tracking ids. When unset, one is generated once and kept in Table Storage, so ids stay
    /// stable across restarts and instances.
    /// </summary>
    public string? IdSecret { get; set; }

    public bool IsKnownApp(string? appKey) => Hosting.SharedSecrets.Matches(appKey, AppKeys);
}
