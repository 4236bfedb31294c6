namespace Pipeline.Functions.Health;

/// <summary>
/// <c>GET /api/health</c>: 503 <c>unhealthy</c> until storage answers and the tables exist; then 200, <c>healthy</c>, or
/// <c>degraded</c> with the reasons when an entity's backlog keeps growing, dead letters wait, receives keep failing, or
/// the host has lately refused new work.
/// Degraded stays 200 on purpose: the instance still accepts and processes what it can, and a load balancer or App
/// Service health check that took it out of rotation on a non-2xx would only shrink the capacity draining the backlog.
/// </summary>
public sealed class HealthFunction(StorageAccount storage, StorageReadiness readiness, BacklogMonitor backlog,
    ReceiveHealth receives, IntakeHealth intake)
{
    private static readonly TimeSpan StorageTimeout = TimeSpan.FromSeconds(2);

    [Function("Health")]
    [WithoutStorageWait]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequestData req,
        CancellationToken cancellationToken)
    {
        string? problem = null;
        if (!readiness.Ready.IsCompleted)
        {
            problem = "storage is not reachable yet";
        }
        else
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StorageTimeout);
            try
            {
                await storage.Table(TableNames.Events).QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1,
                    select: ["PartitionKey"], cancellationToken: timeout.Token).AsPages().FirstAsync(timeout.Token);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                problem = $"storage did not answer: {ex.GetType().Name}";
            }
        }

        var sampled = backlog.Latest;
        var reasons = sampled.Problems()
            .Concat(receives.Failing.Select(f => $"{f.Entity}: the last {f.Failures.InARow} receives failed" +
                                                 (f.Failures.Reason is { } why ? $" ({why})" : "")))
            .Concat(intake.Refusing is { } refusing ? [refusing] : [])
            .ToList();
        var status = problem is not null ? "unhealthy" : reasons.Count > 0 ? "degraded" : "healthy";
        var body = new HealthAnswer(status, problem ?? "reachable", reasons, sampled.SampledAt?.ToUniversalTime(),
            sampled.Entries(withErrors: false));
        return req.CreateJsonResponse(problem is null ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, body,
            HealthJson.Default.HealthAnswer);
    }
}
