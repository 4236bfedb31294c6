namespace Pipeline.Functions.Health;

/// <summary>
/// Samples every entity's backlog on a timer, so health and the ops summary read the latest figures instead of asking
/// the broker on each request. A backlog "keeps growing" when over the last <see cref="GrowthSamplesSetting"/> samples
/// (six 10-second samples by default: a minute) it never went down and ended higher by at least one message a sample,
/// which a burst the consumers catch up with does not do.
/// </summary>
public sealed class BacklogMonitor(MessagingEntities entities, IBacklogReader reader, TimeProvider clock,
    IConfiguration configuration, ILogger<BacklogMonitor> logger) : BackgroundService
{
    public const string SampleSecondsSetting = "Health:BacklogSampleSeconds";
    public const string GrowthSamplesSetting = "Health:BacklogGrowthSamples";
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _period = TimeSpan.FromSeconds(Math.Max(0.1, configuration.GetValue(SampleSecondsSetting, 10.0)));
    private readonly int _growthSamples = Math.Max(1, configuration.GetValue(GrowthSamplesSetting, 6));
    private readonly Dictionary<MessagingEntity, Queue<long>> _history = [];
    private volatile BacklogSnapshot _latest = BacklogSnapshot.None;

    public BacklogSnapshot Latest => _latest;

    /// <summary>One round over every entity; each entity's failure is its own (recorded, never thrown).</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        var states = new List<EntityState>();
        foreach (var entity in entities.All)
        {
            EntityBacklog? backlog = null;
            string? error = null;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(ReadTimeout);
                try
                {
                    backlog = await reader.ReadAsync(entity, timeout.Token);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    error = Shorten($"{ex.GetType().Name}: {ex.Message}");
                }
            }
            states.Add(Track(entity, backlog, error));
        }
        _latest = new BacklogSnapshot(clock.GetUtcNow(), _growthSamples, states);
    }

    private EntityState Track(MessagingEntity entity, EntityBacklog? backlog, string? error)
    {
        if (!_history.TryGetValue(entity, out var history)) _history[entity] = history = new Queue<long>();
        // A missed or blind sample is skipped, not a reset: under load samples time out most, and a backlog that
        // grows through them must still show.
        if (backlog?.Active is null) return new EntityState(entity, backlog, null, error);
        history.Enqueue(backlog.Waiting);
        while (history.Count > _growthSamples + 1) history.Dequeue();
        return new EntityState(entity, backlog, Growth(history), error);
    }

    /// <returns>
    /// Where the backlog started, when it never went down over a full window and ended higher by at least a message a
    /// sample; null otherwise. Two equal samples do not break growth: Azurite's approximate counts repeat a value
    /// between its updates. An idle queue going from 0 to 1 waiting is a message in flight, not a backlog (a soak saw
    /// health degraded for a minute by that alone).
    /// </returns>
    private long? Growth(Queue<long> history) =>
        history.Count == _growthSamples + 1 && history.Zip(history.Skip(1)).All(p => p.Second >= p.First)
                                            && history.Last() - history.Peek() >= _growthSamples
            ? history.Peek()
            : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_period, clock);
        try
        {
            do
            {
                await SampleAsync(stoppingToken);
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Backlog sampling stopped");
        }
    }

    private static string Shorten(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length <= 240 ? line : line[..240] + "…";
    }
}

/// <param name="GrewFrom">Set when the backlog kept growing over the last samples: what it was at the first of them.</param>
public sealed record EntityState(MessagingEntity Entity, EntityBacklog? Backlog, long? GrewFrom, string? Error)
{
    public bool Growing => GrewFrom is not null;
}

public sealed record BacklogSnapshot(DateTimeOffset? SampledAt, int GrowthSamples, IReadOnlyList<EntityState> Entities)
{
    public static readonly BacklogSnapshot None = new(null, 0, []);

    /// <summary>Why the messaging side is degraded: backlogs that keep growing, and dead letters waiting for an operator.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var state in Entities)
        {
            if (state.Growing)
                yield return $"{state.Entity}: backlog kept growing over the last {GrowthSamples} samples, " +
                             $"from {state.GrewFrom} to {state.Backlog!.Waiting} waiting";
            if (state.Backlog?.DeadLettered is > 0 and var dead)
                yield return $"{state.Entity}: {dead} dead-lettered message(s)";
        }
    }

    /// <param name="withErrors">False on anonymous answers: a broker's error text can name hosts and identities.</param>
    public IReadOnlyList<BacklogEntry> Entries(bool withErrors = true) => Entities.Select(s => new BacklogEntry(
        s.Entity.DisplayName, s.Backlog?.Active, s.Backlog?.Scheduled, s.Backlog?.DeadLettered, s.Growing, s.Backlog?.Note,
        s.Error is null ? null : withErrors ? s.Error : "could not be read (the admin summary says why)")).ToList();
}
