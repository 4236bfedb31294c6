using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Reportei;

/// <summary>
/// Sends the metrics callbacks whose retry is due, on <c>Reportei__RetryTimerSchedule</c> (every 30 s unless set).
/// A job that fails here waits for the next tick.
/// </summary>
public sealed class RetryMetricsJobsTimerFunction(MetricsJobs jobs, MetricsJobRunner runner, ILogger<RetryMetricsJobsTimerFunction> logger)
    : IFunction
{
    private const int BatchSize = 50;

    public FunctionDefinition Definition { get; } = FunctionDefinition.Timer("RetryMetricsJobs", ReporteiOptions.RetryTimerScheduleSetting,
        ReporteiOptions.DefaultRetryTimerSchedule);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var result = InvocationResult.Done();
        var due = await jobs.DueAsync(BatchSize, cancellationToken);
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (job, ct) =>
            {
                string line;
                try
                {
                    line = await runner.AttemptAsync(job.Id, ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    logger.LogWarning("metrics job {JobId}: the retry failed ({Message}); it is tried again at the next tick", job.Id, ex.Message);
                    line = $"metrics job {job.Id}: {ex.Message}";
                }
                lock (result) result.Log(line);
            });
        return result;
    }
}
