using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Intercom;

/// <summary>Runs one page of the statistics sweep and asks for the next.</summary>
public sealed class RunStatisticsSweepPageFunction(StatisticsSweep sweep) : IFunction
{
    public FunctionBindings Definition { get; } =
        FunctionBindings.Queue("RunStatisticsSweepPage", StatisticsSweep.QueueName, StatisticsSweep.Pages, StatisticsSweep.Syncs);

    public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        sweep.RunPageAsync(SweepPage.Parse(invocation.Message!), cancellationToken);
}
