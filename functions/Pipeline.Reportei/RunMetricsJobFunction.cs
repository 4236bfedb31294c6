using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Reportei;

/// <summary>
/// The <c>metrics-jobs</c> queue: each callback attempt of an accepted job, the first one and the retries the
/// dispatcher schedules on Reportei's own schedule (<c>Reportei__RetryScheduleSeconds</c>).
/// </summary>
public sealed class RunMetricsJobFunction(MetricsJobRunner runner) : IFunction
{
    public const string Name = "RunMetricsJob";

    public FunctionDefinition Definition { get; } = FunctionDefinition.Queue(Name, MetricsJobs.QueueName);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        InvocationResult.Done().Log(await runner.AttemptAsync(MetricsJobMessage.Parse(invocation.Message!), invocation, cancellationToken));
}
