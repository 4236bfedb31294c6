using Pipeline.Functions.LocalHost;

namespace Pipeline.UnitTests;

public class IdlePollingTests
{
    private static IdlePolling WithLoops(int loops)
    {
        var polling = new IdlePolling();
        for (var i = 0; i < loops; i++) polling.Join();
        return polling;
    }

    [Fact]
    public void Idle_loops_together_poll_Azurite_a_quarter_of_the_time()
    {
        // 20 loops whose empty receives take 30 ms (Azurite holding some 5,000 messages): each waits 20 × 4 × 30 ms,
        // so the 20 of them send one empty receive every 120 ms, each taking 30 ms.
        var wait = WithLoops(20).WaitAfterEmpty(TimeSpan.FromMilliseconds(30), backoff: TimeSpan.FromMilliseconds(25));

        Assert.Equal(TimeSpan.FromMilliseconds(2_400), wait);
    }

    [Fact]
    public void A_quick_Azurite_leaves_the_short_backoff()
    {
        var wait = WithLoops(20).WaitAfterEmpty(TimeSpan.FromMilliseconds(1), backoff: TimeSpan.FromMilliseconds(200));

        Assert.Equal(TimeSpan.FromMilliseconds(200), wait);
    }

    [Fact]
    public void The_wait_is_capped_so_a_queue_that_fills_is_seen_within_seconds()
    {
        var wait = WithLoops(24).WaitAfterEmpty(TimeSpan.FromSeconds(2), backoff: TimeSpan.FromMilliseconds(25));

        Assert.Equal(IdlePolling.Longest, wait);
    }
}
