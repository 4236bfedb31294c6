using Pipeline.Functions.Hosting;
using Pipeline.Functions.Storage;

namespace Pipeline.Functions.Health;

/// <summary><c>GET /api/health</c>: 200 once storage answers and the tables exist, 503 before.</summary>
public sealed class HealthFunction(StorageAccount storage, StorageReadiness readiness) : IFunction
{
    private static readonly TimeSpan StorageTimeout = TimeSpan.FromSeconds(2);

    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("Health", "health", ["get"]) with { WaitsForStorage = false };

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
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

        var body = RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("status", problem is null ? "healthy" : "unhealthy");
            w.WriteString("storage", problem ?? "reachable");
            w.WriteEndObject();
        });
        return InvocationResult.Http(new HttpResponseData(problem is null ? 200 : 503, body));
    }
}
