namespace Pipeline.Functions.LocalHost;

/// <summary>
/// How many messages the local host runs at once, across every queue and subscription. One Azurite serves them all
/// and answers one request at a time: with every listener's batches running together (11 entities, 2 receivers, 32
/// messages each) a slow Azurite gets hundreds of concurrent calls, each one that times out is tried again, and it
/// never catches up. A receiver takes slots before it receives, so a message is never received only to wait.
/// (Hand-written rather than a System.Threading.RateLimiting limiter: a receive needs "at least one, and up to n if
/// free now", which ConcurrencyLimiter's all-or-nothing permits do not give.)
/// </summary>
public sealed class MessageSlots(IOptions<LocalHostOptions> options)
{
    private readonly SemaphoreSlim _free = new(Math.Max(1, options.Value.MaxConcurrentMessages));

    /// <summary>Waits for one free slot, then takes up to <paramref name="max"/> in all without waiting.</summary>
    public async Task<int> TakeAsync(int max, CancellationToken cancellationToken)
    {
        await _free.WaitAsync(cancellationToken);
        var taken = 1;
        while (taken < max && _free.Wait(0)) taken++;
        return taken;
    }

    public void Return(int count)
    {
        if (count > 0) _free.Release(count);
    }
}
