using BenchmarkDotNet.Running;
using Pipeline.Benchmarks;

// dotnet run -c Release --project bench/Pipeline.Benchmarks -- e2e     (the speed targets, end to end)
// dotnet run -c Release --project bench/Pipeline.Benchmarks -- micro   (the ingest hot path, BenchmarkDotNet)
// dotnet run -c Release --project bench/Pipeline.Benchmarks -- metrics (Reportei get-data over a year of rollups)
switch (args.FirstOrDefault())
{
    case "micro":
        BenchmarkRunner.Run<HotPathBenchmarks>(args: args[1..]);
        break;
    case "metrics":
        await MetricsBenchmark.RunAsync(Console.Out);
        break;
    case "e2e":
        await EndToEndBenchmark.RunAsync(Console.Out);
        break;
    default:
        Console.Error.WriteLine("usage: Pipeline.Benchmarks e2e | metrics | micro [BenchmarkDotNet options]");
        return 2;
}
return 0;
