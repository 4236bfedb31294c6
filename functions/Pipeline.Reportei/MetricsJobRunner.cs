using Pipeline.Functions.Messaging;

namespace Pipeline.Functions.Reportei;

/// <summary>
/// Makes one callback attempt of a metrics job: computes the get-data payload, sends it through the delivery engine
/// (<see cref="ReporteiWebhookDestination"/>), and records the attempt and the job's next status: delivered, gone
/// (410), retrying, or failed after the last. The retries are the pipeline's own: the engine's transient outcome is
/// thrown as <see cref="RetryLaterException"/>, and the dispatcher schedules the next attempt on the
/// <c>metrics-jobs</c> queue after the next step of <c>Reportei__RetryScheduleSeconds</c> (this consumer's policy).
/// The job's status and its delivery record are written from the same outcome, so they always agree.
/// </summary>
public sealed class MetricsJobRunner(
    MetricsJobs jobs,
    MetricsIntegrations integrations,
    MetricsQuery query,
    DeliveryEngine engine,
    WebhookGuard guard,
    IHttpClientFactory httpClients,
    IOptionsMonitor<ReporteiOptions> options,
    TimeProvider clock)
{
    public const string JobEventType = "reportei.metrics.job";

    /// <param name="attemptNumber">Which attempt of the job's callback this is (1 on the first).</param>
    /// <param name="isLastAttempt">Whether a failure now is final (Reportei's retry schedule is spent).</param>
    /// <returns>One line for the logs saying what happened.</returns>
    public async Task<string> AttemptAsync(Guid jobId, int attemptNumber, bool isLastAttempt, CancellationToken cancellationToken)
    {
        var job = await jobs.FindAsync(jobId, cancellationToken);
        if (job is null) return $"metrics job {jobId} does not exist";
        if (MetricsJobStatus.IsFinal(job.Status)) return $"metrics job {jobId} is {job.Status} already";

        var settings = options.CurrentValue;
        var started = clock.GetUtcNow();
        var (payload, problem) = await PayloadAsync(job, cancellationToken);
        if (problem is not null || StandardWebhookSignature.KeyOf(settings.WebhookSecret) is not { } key)
        {
            var error = problem ?? "Reportei__WebhookSecret is not set (whsec_ + base64)";
            await Record(job, new MetricsJobAttempt(job.Attempts.Count + 1, started, null, 0, error, null), MetricsJobStatus.Failed, null,
                cancellationToken);
            return $"metrics job {jobId} failed: {error}";
        }

        var destination = new ReporteiWebhookDestination(httpClients.CreateClient(ReporteiWebhookDestination.HttpClientName), guard, key,
            job.WebhookUrl, payload!, TimeSpan.FromSeconds(settings.WebhookTimeoutSeconds), clock);
        var envelope = new EventEnvelope(job.Id, JobEventType, "reportei", "metrics-job:" + job.Id, job.CreatedAt,
            JsonDocument.Parse("{}").RootElement.Clone());
        var attempt = await engine.AttemptAsync(destination, envelope, token => destination.DeliverAsync(envelope, token), cancellationToken,
            isLastAttempt ? attemptNumber : null);
        switch (attempt)
        {
            case AttemptResult.HeldElsewhere held:
                throw new RetryLaterException($"metrics job {jobId} is being sent by another invocation",
                    held.Until - clock.GetUtcNow(), isAttempt: false);
            case AttemptResult.AlreadyDone done:
                // Sent before, but the job's record missed it (a crash between the two writes): the delivery record tells.
                var status = done.Record.Status == DeliveryStatus.Delivered ? MetricsJobStatus.Delivered
                    : done.Record.HttpStatus == 410 ? MetricsJobStatus.Gone : MetricsJobStatus.Failed;
                await Record(job, null, status, null, cancellationToken);
                return $"metrics job {jobId} was {status} already";
        }

        var outcome = ((AttemptResult.Made)attempt).Outcome;
        var seen = destination.Seen;
        var record = new MetricsJobAttempt(job.Attempts.Count + 1, started, seen.StatusCode, (long)seen.Duration.TotalMilliseconds,
            seen.Error ?? (outcome as DeliveryOutcome.Transient)?.Error, seen.Excerpt);
        var retries = RetryPolicy.Schedule(settings.RetryDelays());
        var (next, at) = outcome switch
        {
            DeliveryOutcome.Delivered => (MetricsJobStatus.Delivered, (DateTimeOffset?)null),
            DeliveryOutcome.Refused { HttpStatus: 410 } => (MetricsJobStatus.Gone, null),
            DeliveryOutcome.Refused or DeliveryOutcome.Skipped => (MetricsJobStatus.Failed, null),
            _ when isLastAttempt => (MetricsJobStatus.Failed, null),
            _ => (MetricsJobStatus.Retrying, clock.GetUtcNow() + retries.DelayAfter(attemptNumber)),
        };
        await Record(job, record, next, at, cancellationToken);
        var line = $"metrics job {jobId} attempt {record.Attempt}: {next}" + (record.Error is null ? "" : $" ({record.Error})");
        // The next attempt, or the dead-letter after the last one, is the dispatcher's: one retry model for every consumer.
        if (outcome is DeliveryOutcome.Transient) throw new RetryLaterException(line);
        return line;
    }

    private async Task<(string? Payload, string? Problem)> PayloadAsync(MetricsJob job, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(job.RequestBody);
        var request = RequestBodies.Bind(document.RootElement, ReporteiJson.Default.MetricsDataBody, out var problems).Check(problems);
        if (request is null) return (null, "the stored request is not valid: " + string.Join("; ", problems.All.Select(e => $"{e.Key} {e.Value}")));
        var integration = await integrations.FindAsync(request.CustomerIntegration, cancellationToken);
        if (integration is null) return (null, $"customer_integration {request.CustomerIntegration} is no longer registered");
        return (MetricsQuery.Text(await query.AnswerAsync(integration, request, cancellationToken)), null);
    }

    private Task Record(MetricsJob job, MetricsJobAttempt? attempt, string status, DateTimeOffset? next, CancellationToken cancellationToken) =>
        jobs.UpdateAsync(job.Id, _ => (attempt, status, next), cancellationToken);
}
