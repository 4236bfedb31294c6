using Cronos;

namespace Pipeline.Functions.LocalHost;

/// <summary>
/// Fires one timer function on its six-field NCRONTAB schedule (seconds first, as the Functions host reads it).
/// A run that fails is logged and the next tick comes as scheduled, as with the Functions timer trigger.
/// </summary>
public sealed class TimerScheduler(
    IFunction function,
    FunctionDispatcher dispatcher,
    Storage.StorageReadiness storageReady,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<TimerScheduler> logger)
{
    public static CronExpression ScheduleOf(TimerSchedule trigger, IConfiguration configuration)
    {
        // The setting is named in app-setting form (Section__Key) for the Functions host's %Setting% syntax.
        var key = trigger.ScheduleSetting.Replace("__", ":");
        var text = configuration[key] is { Length: > 0 } configured ? configured : trigger.DefaultSchedule;
        return CronExpression.Parse(text, CronFormat.IncludeSeconds);
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var trigger = (TimerSchedule)function.Definition.Trigger;
        var schedule = ScheduleOf(trigger, configuration);
        try
        {
            await storageReady.Ready.WaitAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = clock.GetUtcNow();
                var next = schedule.GetNextOccurrence(now, TimeZoneInfo.Utc);
                if (next is null) return;
                await Task.Delay(next.Value - now, clock, stoppingToken);
                await RunOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var name = function.Definition.Name;
        try
        {
            var result = await dispatcher.RunAsync(function, new Invocation { FunctionName = name }, stoppingToken);
            foreach (var line in result.Logs) logger.LogInformation("{Function}: {Line}", name, line);
        }
        catch (Exception) when (!stoppingToken.IsCancellationRequested)
        {
            // The dispatcher reported it once (the sends of its outputs included); the timer runs again at its next tick.
        }
    }
}
