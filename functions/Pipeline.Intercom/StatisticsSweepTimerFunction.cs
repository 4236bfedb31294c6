namespace Pipeline.Functions.Intercom;

/// <summary>Starts the statistics sweep on a schedule (hourly unless <c>Intercom__StatisticsSweepSchedule</c> says otherwise).</summary>
public sealed class StatisticsSweepTimerFunction(StatisticsSweep sweep)
{
    public const string ScheduleSetting = "Intercom__StatisticsSweepSchedule";

    [Function("StatisticsSweepTimer")]
    [DefaultSchedule("0 0 * * * *")]
    [ServiceBusOutput(StatisticsSweep.QueueName)]
    public async Task<JsonElement?> Run([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, FunctionContext context,
        CancellationToken cancellationToken)
    {
        var (state, outcome) = await sweep.StartAsync(force: false, cancellationToken);
        context.GetLogger(nameof(StatisticsSweepTimerFunction)).LogInformation("statistics sweep {SweepId}: {Outcome}", state.SweepId, outcome);
        return outcome == StatisticsSweep.StartOutcome.AlreadyRunning ? null : new SweepPage(state.SweepId, state.Continuation).ToJson();
    }
}
