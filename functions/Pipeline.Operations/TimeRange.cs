namespace Pipeline.Functions.Operations;

/// <summary>The <c>since</c>/<c>until</c> of a query or body: ISO 8601 times, by default the 24 h up to now.</summary>
public sealed record TimeRange(DateTimeOffset Since, DateTimeOffset Until)
{
    public static readonly TimeSpan DefaultSpan = TimeSpan.FromHours(24);

    /// <summary>
    /// The table store's earliest date: the delivery index is queried with these times, and with this floor a
    /// default <c>since</c> a day before <c>until</c> cannot fall off the calendar's start either.
    /// </summary>
    public static readonly DateTimeOffset Earliest = new(1601, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <returns>null, and the problem in <paramref name="problem"/>, when a time is unreadable or the range is wrong.</returns>
    public static TimeRange? Parse(string? sinceText, string? untilText, TimeProvider clock, TimeSpan maxRange, out (string Field, string Message)? problem)
    {
        problem = null;
        if (!AdminHttp.TryTime(sinceText, out var since))
        {
            problem = ("since", "must be an ISO 8601 time such as 2026-11-23T08:00:00Z");
            return null;
        }
        if (!AdminHttp.TryTime(untilText, out var until))
        {
            problem = ("until", "must be an ISO 8601 time such as 2026-11-23T09:00:00Z");
            return null;
        }
        if (since < Earliest || until < Earliest)
        {
            problem = (since < Earliest ? "since" : "until", $"must be no earlier than {AdminHttp.Iso(Earliest)}, the earliest time the table store keeps");
            return null;
        }
        var end = until ?? clock.GetUtcNow().AddSeconds(1);
        var start = since ?? end - DefaultSpan;
        if (start >= end)
        {
            problem = ("since", "must be before until");
            return null;
        }
        if (end - start > maxRange)
        {
            problem = ("since", $"the range may span at most {maxRange.TotalDays:0} days");
            return null;
        }
        return new TimeRange(start, end);
    }
}
