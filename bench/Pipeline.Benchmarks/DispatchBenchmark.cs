using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Pipeline.Functions;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Messaging;
using Pipeline.Functions.Storage;
using Pipeline.Testing;

namespace Pipeline.Benchmarks;

/// <summary>
/// <c>PushSegment</c> invocations per second as the Functions host drives the custom handler, in process and without
/// Kestrel: the host's payload decoded, the invocation run by the dispatcher (the bridge, its middleware, the
/// function), the answer encoded. Outputs go to a publisher that keeps nothing, so the figure is the app's own work,
/// not a queue's. Each round runs one loop per core; the best and the median round are printed, by the clock and by
/// the process's CPU time (invocations per CPU-second, which other work on a shared machine disturbs far less).
/// </summary>
public static class DispatchBenchmark
{
    public static async Task RunAsync(TextWriter output, int invocations = 100_000, int rounds = 3)
    {
        await using var app = PipelineWebHost.Build([], (services, configuration) =>
        {
            PipelineApp.AddPipeline(services, configuration);
            services.AddSingleton<IMessagePublisher, DiscardingPublisher>();
        }, builder => builder.Configuration[StorageAccount.ConnectionSetting] = "UseDevelopmentStorage=true");
        // Spans are recorded as when the app runs (the tracer provider is what listens to them).
        _ = app.Services.GetService<TracerProvider>();
        app.Services.GetRequiredService<StorageReadiness>().MarkReady();
        var dispatcher = app.Services.GetRequiredService<FunctionDispatcher>();
        var function = dispatcher.Catalog.Find("PushSegment")!;
        using var payload = JsonDocument.Parse(HostPayloads.Http("PushSegment", "POST", "push/cart_recovered",
            body: """{"site_id":"42","cart_recovered":"25"}""", routeParams: new Dictionary<string, string> { ["segment"] = "cart_recovered" }));

        async Task InvokeAsync()
        {
            var invocation = CustomHandlerProtocol.ReadInvocation(function.Definition, payload.RootElement);
            var result = await dispatcher.RunAsync(function, invocation, CancellationToken.None);
            if (result.Response?.StatusCode != 200) throw new InvalidOperationException($"PushSegment answered {result.Response?.StatusCode}");
            CustomHandlerProtocol.Encode(function.Definition, result);
        }

        await RoundAsync(InvokeAsync, invocations / 4); // warm-up: JIT, tiering, first-call compilation
        var perSecond = new List<double>();
        var perCpuSecond = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var (wall, cpu) = await RoundAsync(InvokeAsync, invocations);
            perSecond.Add(wall);
            perCpuSecond.Add(cpu);
            output.WriteLine($"round {round + 1}: {wall:F0} invocations/s, {cpu:F0} per CPU-second");
        }
        perSecond.Sort();
        perCpuSecond.Sort();
        output.WriteLine($"PushSegment through the dispatcher ({invocations:N0} per round, {Environment.ProcessorCount} loops): " +
                         $"best {perSecond[^1]:F0}/s, median {perSecond[perSecond.Count / 2]:F0}/s; " +
                         $"per CPU-second best {perCpuSecond[^1]:F0}, median {perCpuSecond[perCpuSecond.Count / 2]:F0}");
    }

    private static async Task<(double PerSecond, double PerCpuSecond)> RoundAsync(Func<Task> invoke, int invocations)
    {
        var loops = Environment.ProcessorCount;
        var done = invocations / loops * loops;
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < invocations / loops; i++) await invoke();
        })));
        var elapsed = clock.Elapsed;
        process.Refresh();
        return (done / elapsed.TotalSeconds, done / (process.TotalProcessorTime - cpuBefore).TotalSeconds);
    }

    private sealed class DiscardingPublisher : IMessagePublisher
    {
        public Task SendAsync(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
