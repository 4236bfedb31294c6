using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Intercom;

/// <summary>Starts the statistics sweep on a schedule (hourly unless <c>Intercom__StatisticsSweepSchedule</c> says otherwise).</summary>
public sealed class StatisticsSweepTimerFunction(StatisticsSweep sweep) : IFunction
{
    public const string ScheduleSetting = "Intercom__StatisticsSweepSchedule";

    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Timer("StatisticsSweepTimer", ScheduleSetting, "0 0 * * * *", StatisticsSweep.Pages);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var (state, outcome) = await sweep.StartAsync(force: false, cancellationToken);
        var result = InvocationResult.Done().Log($"statistics sweep {state.SweepId}: {outcome}");
        if (outcome != StatisticsSweep.StartOutcome.AlreadyRunning)
            result.Send(StatisticsSweep.Pages, new SweepPage(state.SweepId, state.Continuation).ToJson());
        return result;
    }
}
