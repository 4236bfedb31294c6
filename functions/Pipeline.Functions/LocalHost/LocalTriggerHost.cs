using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.LocalHost;

/// <summary>
/// Runs the local host's queue listeners and timers for every function of the catalog. On shutdown the loops stop
/// receiving, in-flight messages finish, and anything not finished stays on its queue for the next start.
/// </summary>
public sealed class LocalTriggerHost(IServiceProvider services, FunctionCatalog catalog) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queueLoops = catalog.WithTrigger<QueueTrigger>()
            .Select(f => ActivatorUtilities.CreateInstance<QueueListener>(services, f.Function).RunAsync(stoppingToken));
        var timerLoops = catalog.WithTrigger<TimerTrigger>()
            .Select(f => ActivatorUtilities.CreateInstance<TimerScheduler>(services, f.Function).RunAsync(stoppingToken));
        return Task.WhenAll(queueLoops.Concat(timerLoops));
    }

    /// <summary>Every queue a function reads or writes, with the poison queues of those it reads.</summary>
    public static IReadOnlyCollection<string> QueuesOf(FunctionCatalog catalog)
    {
        var triggers = catalog.WithTrigger<QueueTrigger>().Select(f => f.Trigger.QueueName).ToList();
        return triggers
            .Concat(triggers.Select(QueueNames.Poison))
            .Concat(catalog.All.SelectMany(f => f.Definition.QueueOutputs).Select(o => o.QueueName))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
