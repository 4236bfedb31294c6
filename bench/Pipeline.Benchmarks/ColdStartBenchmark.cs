using Pipeline.Testing;

namespace Pipeline.Benchmarks;

/// <summary>
/// Cold start of the handler as the Functions host sees it: from process start to the first answer on <c>GET /</c>
/// (the host's readiness probe, polled every 25 ms), the median of several starts, for each build:
/// the JIT build (framework-dependent <c>dotnet build</c> output), the published ReadyToRun package, and any other
/// executable given as <c>name=path</c> (a Native AOT build, say). Prints a Markdown table for the README.
/// </summary>
public static class ColdStartBenchmark
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var runs = 10;
        var builds = new List<(string Name, string FileName, string[] Arguments)>();
        var root = RepositoryRoot.Find();
        var jit = Path.Combine(root, "functions", "Pipeline.Functions", "bin", "Release", "net10.0", "Pipeline.Functions.dll");
        if (File.Exists(jit)) builds.Add(("JIT (dotnet build, framework-dependent)", "dotnet", [jit]));
        else output.WriteLine($"skipped JIT: no {jit} (dotnet build -c Release first)");
        if (File.Exists(PublishedHandler.Executable)) builds.Add(("ReadyToRun (./publish, self-contained)", PublishedHandler.Executable, []));
        else output.WriteLine("skipped ReadyToRun: no package (./publish first)");
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--runs" && i + 1 < args.Length) runs = int.Parse(args[++i]);
            else if (args[i].Split('=', 2) is [var name, var path]) builds.Add((name, Path.GetFullPath(path), []));
        }
        if (builds.Count == 0) return 2;

        await using var azurite = await Azurite.StartAsync();
        var settings = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString };

        output.WriteLine($"| build | GET / answered after process start (median of {runs}) | min | max | CPU time until then (median) |");
        output.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var (name, fileName, arguments) in builds)
        {
            // One unmeasured start first, so every build is measured with its files in the page cache.
            await (await PublishedHandler.StartAsync(fileName, arguments, settings)).DisposeAsync();
            var times = new List<double>();
            var cpu = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                await using var handler = await PublishedHandler.StartAsync(fileName, arguments, settings);
                times.Add(handler.ReadyAfter.TotalMilliseconds);
                cpu.Add(handler.ProcessorTime.TotalMilliseconds);
            }
            times.Sort();
            output.WriteLine($"| {name} | {Median(times):F0} ms | {times[0]:F0} ms | {times[^1]:F0} ms | {Median(cpu):F0} ms |");
        }

        var zip = Path.Combine(root, "artifacts", "publish", "app.zip");
        if (File.Exists(zip))
        {
            var unpacked = Directory.EnumerateFiles(PublishedHandler.AppRoot, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            output.WriteLine($"\npackage: app.zip {new FileInfo(zip).Length / 1048576.0:F1} MiB, unpacked {unpacked / 1048576.0:F1} MiB");
        }
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
