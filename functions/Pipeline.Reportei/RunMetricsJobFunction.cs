namespace Pipeline.Functions.Reportei;

/// <summary>
/// The <c>metrics-jobs</c> queue: each callback attempt of an accepted job, the first one and the retries the
/// dispatcher schedules on Reportei's own schedule (<c>Reportei__RetryScheduleSeconds</c>).
/// </summary>
public sealed class RunMetricsJobFunction(MetricsJobRunner runner)
{
    public const string Name = "RunMetricsJob";

    [Function(Name)]
    public async Task Run([ServiceBusTrigger(MetricsJobs.QueueName)] string message, int attempt, bool isLastAttempt,
        FunctionContext context, CancellationToken cancellationToken)
    {
        var line = await runner.AttemptAsync(MetricsJobMessage.Parse(message), attempt, isLastAttempt, cancellationToken);
        context.GetLogger(Name).LogInformation("{Line}", line);
    }
}
