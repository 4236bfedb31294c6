using System.Collections.Concurrent;

namespace Pipeline.Functions.Health;

/// <summary>
/// Whether the receivers of each entity are getting messages off it: the listener reports every receive, health reads
/// the entities whose last <see cref="FailuresBeforeDegraded"/> receives or more all failed.
/// </summary>
public sealed class ReceiveHealth(TimeProvider clock)
{
    /// <summary>One failed poll is a blip (a timeout, a restart of storage); a run of them means nothing is being received.</summary>
    public const int FailuresBeforeDegraded = 3;

    private readonly ConcurrentDictionary<string, Failures> _failing = new(StringComparer.Ordinal);

    /// <param name="entity">The entity's display name (a local queue's name for a queue).</param>
    public void ReportReceiveFailed(string entity, string? reason = null)
    {
        var now = clock.GetUtcNow();
        _failing.AddOrUpdate(entity, _ => new Failures(1, now, now, reason),
            (_, known) => known with { InARow = known.InARow + 1, Last = now, Reason = reason ?? known.Reason });
    }

    public void ReportReceiveSucceeded(string entity) => _failing.TryRemove(entity, out _);

    public IReadOnlyList<(string Entity, Failures Failures)> Failing =>
        _failing.Where(kv => kv.Value.InARow >= FailuresBeforeDegraded)
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, kv.Value))
            .ToList();

    public sealed record Failures(int InARow, DateTimeOffset Since, DateTimeOffset Last, string? Reason);
}
