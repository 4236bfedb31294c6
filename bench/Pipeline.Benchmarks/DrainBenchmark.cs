using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Azure.Core.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Envelope;
using Pipeline.Testing;

namespace Pipeline.Benchmarks;

/// <summary>
/// How fast the <c>intercom</c> queue drains, driven as the Functions host drives it: <c>ForwardToIntercom</c>
/// custom-handler invocations, 32 at once, against an Intercom stand-in that enforces Intercom's 10,000 calls a
/// minute in 10-second windows (429 past it). A failed invocation is sent again, as the host would redeliver it.
/// Measured over whole windows after a warm-up: Intercom calls/s against the allowed rate, the app process's CPU
/// per delivered event, and Table Storage operations per delivered event. Prints a Markdown table for the README.
/// </summary>
public static class DrainBenchmark
{
    private const int Concurrency = 32;
    private const int LimitPerWindow = 10_000 / 6;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(TextWriter output, int windows = 3)
    {
        await using var azurite = await Azurite.StartAsync();
        using var intercom = new RateLimitedIntercom(LimitPerWindow, 0, 0, 0, TimeSpan.Zero);
        var storageLog = new StorageRequestLog();
        var settings = PipelineHost.DefaultSettings(azurite.ConnectionString, intercom.Url);
        settings["Intercom:TimeoutSeconds"] = "10";
        settings["Logging:LogLevel:Default"] = "Warning"; // the Functions host keeps invocation logs; the console need not
        await using var host = await PipelineHost.StartCustomHandlerAsync(settings,
            services => services.AddSingleton<HttpPipelinePolicy>(storageLog));
        await UntilTablesExistAsync(host);

        var pending = new ConcurrentQueue<string>(Enumerable.Range(0, 20_000).Select(i => Invocation($"drain-{i:D5}")));
        var delivered = 0L;
        var redelivered = 0L;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && pending.TryDequeue(out var payload))
            {
                var response = await host.Client.PostAsync("/ForwardToIntercom", new StringContent(payload, Encoding.UTF8, "application/json"));
                if (response.IsSuccessStatusCode) Interlocked.Increment(ref delivered);
                else
                {
                    Interlocked.Increment(ref redelivered);
                    pending.Enqueue(payload); // the host redelivers a failed invocation
                }
            }
        })).ToList();

        // Warm up, then measure from a window boundary over whole windows, as the stand-in counts them.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Task.Delay(TimeSpan.FromMilliseconds(10_000 - now % 10_000));
        var (calls0, delivered0, exceeded0) = (intercom.Succeeded.Count, Interlocked.Read(ref delivered), intercom.LimitExceeded);
        var redelivered0 = Interlocked.Read(ref redelivered);
        storageLog.Clear();
        using var azuriteProcess = Process.GetProcessById(azurite.ProcessId);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var azuriteCpu0 = azuriteProcess.TotalProcessorTime;
        var clock = Stopwatch.StartNew();

        await Task.Delay(Window * windows);

        var elapsed = clock.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        azuriteProcess.Refresh();
        var azuriteCpu = azuriteProcess.TotalProcessorTime - azuriteCpu0;
        var tableOps = storageLog.Uris.Count(u => u.Contains($":{azurite.TablePort}/", StringComparison.Ordinal));
        var calls = intercom.Succeeded.Count - calls0;
        var events = Interlocked.Read(ref delivered) - delivered0;
        var exceeded = intercom.LimitExceeded - exceeded0;
        var retried = Interlocked.Read(ref redelivered) - redelivered0;
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var allowed = LimitPerWindow / Window.TotalSeconds;
        var rate = calls / elapsed.TotalSeconds;
        output.WriteLine("| measure | result |");
        output.WriteLine("| --- | --- |");
        output.WriteLine($"| Intercom calls/s ({windows} windows of 10 s, {Concurrency} invocations at once) | {rate:F0}/s of {allowed:F0}/s allowed ({rate / allowed:P0}) |");
        output.WriteLine($"| events delivered / invocations failed and redelivered / 429s past the limit | {events} / {retried} / {exceeded} |");
        output.WriteLine($"| CPU of the app process (with the stand-in and the driver) per delivered event | {cpu.TotalMilliseconds / Math.Max(1, events):F1} ms |");
        output.WriteLine($"| CPU of Azurite per delivered event | {azuriteCpu.TotalMilliseconds / Math.Max(1, events):F1} ms |");
        output.WriteLine($"| Table Storage operations per delivered event | {(double)tableOps / Math.Max(1, events):F2} |");
    }

    private static string Invocation(string site)
    {
        var envelope = EventEnvelope.Create("push.emails_sent", "bench", Subjects.Site(site),
            JsonDocument.Parse($$"""{"site_id":"{{site}}","emails_sent":3}""").RootElement, TimeProvider.System);
        var message = JsonSerializer.Serialize(envelope.ToJson().GetRawText());
        return $$$"""{"Data":{"message":{{{message}}}},"Metadata":{"DeliveryCount":1}}""";
    }

    private static async Task UntilTablesExistAsync(PipelineHost host)
    {
        const string health = """{"Data":{"req":{"Url":"http://x/api/health","Method":"GET","Headers":{},"Params":{}}},"Metadata":{}}""";
        while (!(await (await host.Client.PostAsync("/Health", new StringContent(health, Encoding.UTF8, "application/json")))
                   .Content.ReadAsStringAsync()).Contains("\"statusCode\":200"))
            await Task.Delay(50);
    }
}
