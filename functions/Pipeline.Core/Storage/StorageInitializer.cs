using System.Diagnostics;

namespace Pipeline.Functions.Storage;

/// <summary>
/// Creates the tables (and, for the local host, the queues) once storage answers. Start-up does not wait for
/// it: health reports 503 until storage is reachable, and the listeners start receiving once queues exist.
/// Storage that is still starting (Azurite beside the app) is the normal case, so retries are quiet at first;
/// a warning comes only once storage has stayed out of reach for <see cref="QuietFor"/>, and then every minute.
/// </summary>
public sealed class StorageInitializer(
    StorageAccount storage,
    QueueProvisioning queues,
    StorageReadiness readiness,
    IEnumerable<TableRegistration> moduleTables,
    ILogger<StorageInitializer> logger) : BackgroundService
{
    private readonly IReadOnlyList<string> _tables = TableRegistration.All(moduleTables);

    public static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan WarnEvery = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        var started = Stopwatch.GetTimestamp();
        var warnAfter = QuietFor;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var table in _tables)
                    await storage.Tables.CreateTableIfNotExistsAsync(table, stoppingToken);
                foreach (var queue in queues.Queues)
                    await storage.Queues.GetQueueClient(queue).CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                readiness.MarkReady();
                logger.LogInformation("Storage ready: {Tables} tables, {Queues} queues", _tables.Count, queues.Queues.Count);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                var waited = Stopwatch.GetElapsedTime(started);
                if (waited >= warnAfter)
                {
                    logger.LogWarning("Storage still not reachable after {Seconds:0} s ({Message}); retrying", waited.TotalSeconds, ex.Message);
                    warnAfter = waited + WarnEvery;
                }
                else
                {
                    logger.LogDebug("Storage not reachable yet ({Message}); retrying in {Delay}", ex.Message, delay);
                }
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5_000));
            }
        }
    }
}

/// <summary>Storage queues to create at start: the local host's stand-ins for Service Bus; none in Azure, where infra makes them.</summary>
public sealed record QueueProvisioning(IReadOnlyCollection<string> Queues);

/// <summary>Completes once the tables and queues exist; health and the listeners wait on it.</summary>
public sealed class StorageReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready => _ready.Task;

    public void MarkReady() => _ready.TrySetResult();
}
