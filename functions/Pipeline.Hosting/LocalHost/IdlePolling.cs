namespace Pipeline.Functions.LocalHost;

/// <summary>
/// How long a receive loop waits after finding its queue empty. Azurite looks through every message it holds, in
/// every queue, to answer one receive, so an empty receive costs in proportion to the whole backlog (measured on
/// Azurite 3.37: 3 ms with nothing queued, 32 ms with 5,000 messages, 128 ms with 20,000), and every idle loop
/// polling at a fixed rate would take all of Azurite's single thread exactly when it is needed to drain. Service Bus
/// receives cost nothing while waiting; here the idle loops together keep to about a quarter of Azurite's time:
/// a loop waits its share of the loops' polls, four times what its last empty receive took, and at least the short
/// back-off that keeps one idle queue's latency low.
/// </summary>
public sealed class IdlePolling
{
    /// <summary>Azurite's time idle polls may take: 1 in <c>IdleShare</c>.</summary>
    private const int IdleShare = 4;

    private int _loops;

    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(5);

    /// <summary>A receive loop starts; the budget is shared among the loops running.</summary>
    public void Join() => Interlocked.Increment(ref _loops);

    /// <summary>The wait after an empty receive that took <paramref name="receiveTook"/>.</summary>
    public TimeSpan WaitAfterEmpty(TimeSpan receiveTook, TimeSpan backoff)
    {
        var share = receiveTook * IdleShare * Math.Max(1, Volatile.Read(ref _loops));
        var wait = share > backoff ? share : backoff;
        return wait < Longest ? wait : Longest;
    }
}
