namespace Pipeline.Functions.GhostMonitor;

/// <summary>The event types this module produces; nothing else spells them.</summary>
public static class GhostMonitorEvents
{
    public const string PushPrefix = "push.";

    /// <summary>The statistics push, whose latest values the sweep re-sends.</summary>
    public const string Statistics = PushPrefix + "statistics";

    /// <summary>A statistics re-send by the sweep (never recorded: it goes straight to <c>intercom</c>).</summary>
    public const string StatisticsSync = "sync.statistics";

    public static string Push(string segment) => PushPrefix + segment;

    public static bool IsPush(string type) => type.StartsWith(PushPrefix, StringComparison.Ordinal);

    /// <returns>The segment of a push event type, or null for any other type.</returns>
    public static string? SegmentOf(string type) => IsPush(type) ? type[PushPrefix.Length..] : null;
}
