using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Reportei;

/// <summary>The <c>metrics-jobs</c> queue: the first callback attempt of each accepted job (retries are the timer's).</summary>
public sealed class RunMetricsJobFunction(MetricsJobRunner runner) : IFunction
{
    public FunctionDefinition Definition { get; } = FunctionDefinition.Queue("RunMetricsJob", QueueNames.MetricsJobs);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        InvocationResult.Done().Log(await runner.AttemptAsync(MetricsJobMessage.Parse(invocation.Message!), cancellationToken));
}
