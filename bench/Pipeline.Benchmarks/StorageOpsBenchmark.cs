using System.Diagnostics;
using System.Net;
using System.Text;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Testing;

namespace Pipeline.Benchmarks;

/// <summary>
/// Storage requests per event, end to end through the local host: pushes accepted over HTTP, recorded, fanned out and
/// delivered to an Intercom stand-in, counted by kind (table, queue, blob) with a pipeline policy on the app's storage
/// clients. Queue requests include the listeners' polling of empty queues, so they are given with the idle polls
/// measured over the same time with no traffic subtracted.
/// </summary>
public static class StorageOpsBenchmark
{
    private const int Pushes = 300;

    public static async Task RunAsync(TextWriter output)
    {
        await using var azurite = await Azurite.StartAsync();
        using var intercom = new RateLimitedIntercom(10_000, 0, 0, 0, TimeSpan.Zero);
        var log = new StorageRequestLog();
        var settings = PipelineHost.DefaultSettings(azurite.ConnectionString, intercom.Url);
        settings["Logging:LogLevel:Default"] = "Warning";
        await using var host = await PipelineHost.StartLocalAsync(settings, services => services.AddSingleton<HttpPipelinePolicy>(log));
        await UntilHealthyAsync(host);

        // Idle: what the listeners' polling alone costs per second.
        log.Clear();
        var idle = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(10));
        var idleQueuePerSecond = Count(log, azurite.QueuePort) / idle.Elapsed.TotalSeconds;

        log.Clear();
        var run = Stopwatch.StartNew();
        var sites = Enumerable.Range(0, Pushes).Select(i => $"ops-{i:D4}").ToList();
        await Parallel.ForEachAsync(sites, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (site, _) =>
        {
            var response = await host.PostJsonAsync("api/push/cart_recovered", $$"""{"site_id":"{{site}}","cart_recovered":"3"}""");
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"push answered {response.StatusCode}");
        });
        var deliveries = new TableClient(azurite.ConnectionString, "Deliveries");
        var queues = new QueueServiceClient(azurite.ConnectionString);
        while (true)
        {
            var delivered = await deliveries.QueryAsync<TableEntity>("Status eq 'Delivered'", select: ["RowKey"]).CountAsync();
            var queued = 0;
            await foreach (var queue in queues.GetQueuesAsync())
                queued += (await queues.GetQueueClient(queue.Name).GetPropertiesAsync()).Value.ApproximateMessagesCount;
            if (delivered >= Pushes && queued == 0) break;
            if (run.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException($"{delivered} of {Pushes} delivered, {queued} queued");
            await Task.Delay(200);
        }
        var seconds = run.Elapsed.TotalSeconds;
        // The watcher above reads through its own clients, not the app's: the log holds the app's requests only.
        var table = Count(log, azurite.TablePort) / (double)Pushes;
        var queueOps = (Count(log, azurite.QueuePort) - idleQueuePerSecond * seconds) / Pushes;
        var blob = Count(log, azurite.BlobPort) / (double)Pushes;
        output.WriteLine($"| {Pushes} pushes (cart_recovered), accepted, recorded, fanned out, delivered | table {table:0.00} | " +
                         $"queue {queueOps:0.0} (idle polling of {idleQueuePerSecond:0} requests/s subtracted) | blob {blob:0.00} | {seconds:0.0} s |");
    }

    private static int Count(StorageRequestLog log, int port) => log.Uris.Count(u => u.Contains($":{port}/", StringComparison.Ordinal));

    private static async Task UntilHealthyAsync(PipelineHost host)
    {
        for (var i = 0; i < 100; i++)
        {
            if ((await host.Client.GetAsync("api/health")).IsSuccessStatusCode) return;
            await Task.Delay(200);
        }
        throw new TimeoutException("the app never became healthy");
    }
}
