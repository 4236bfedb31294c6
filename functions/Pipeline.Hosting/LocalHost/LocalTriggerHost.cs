namespace Pipeline.Functions.LocalHost;

/// <summary>
/// Runs the local host's queue listeners and timers for every function of the catalog. On shutdown the loops stop
/// receiving, in-flight messages finish, and anything not finished stays on its queue for the next start.
/// </summary>
public sealed class LocalTriggerHost(IServiceProvider services, FunctionCatalog catalog) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queueLoops = catalog.WithTrigger<MessageTrigger>()
            .Select(f => ActivatorUtilities.CreateInstance<QueueListener>(services, f.Function).RunAsync(stoppingToken));
        var timerLoops = catalog.WithTrigger<TimerSchedule>()
            .Select(f => ActivatorUtilities.CreateInstance<TimerScheduler>(services, f.Function).RunAsync(stoppingToken));
        return Task.WhenAll(queueLoops.Concat(timerLoops));
    }

    /// <summary>
    /// Every Azurite queue the local host uses: one per queue a function reads or writes, one per topic subscription
    /// (a topic itself has none), and the poison queue of each one read.
    /// </summary>
    public static IReadOnlyCollection<string> QueuesOf(FunctionCatalog catalog)
    {
        var triggers = catalog.WithTrigger<MessageTrigger>().Select(f => f.Trigger.LocalQueue).ToList();
        var topics = catalog.WithTrigger<MessageTrigger>().Where(f => f.Trigger.Subscription is not null)
            .Select(f => f.Trigger.QueueName).ToHashSet(StringComparer.Ordinal);
        return triggers
            .Concat(triggers.Select(QueueNames.Poison))
            .Concat(catalog.All.SelectMany(f => f.Definition.QueueOutputs).Select(o => o.QueueName).Where(q => !topics.Contains(q)))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
