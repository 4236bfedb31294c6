using BenchmarkDotNet.Running;
using Pipeline.Benchmarks;

// dotnet run -c Release --project bench/Pipeline.Benchmarks -- e2e     (the speed targets, end to end)
// dotnet run -c Release --project bench/Pipeline.Benchmarks -- micro   (the ingest hot path, BenchmarkDotNet)
// dotnet run -c Release --project bench/Pipeline.Benchmarks -- coldstart [--runs N] [name=executable ...]
//                                                    (process start to GET / for the JIT build and ./publish's package)
// dotnet run -c Release --project bench/Pipeline.Benchmarks -- drain   (the intercom queue drained against Intercom's rate limit)
// dotnet run -c Release --project bench/Pipeline.Benchmarks -- metrics (Reportei get-data over a year of rollups)
// dotnet run -c Release --project bench/Pipeline.Benchmarks -- storage-ops (storage requests per push, end to end)
// dotnet run -c Release --project bench/Pipeline.Benchmarks -- dispatch (PushSegment invocations/s as the Functions host
//                                                    drives the custom handler, in process, outputs discarded)
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
    case "drain":
        await DrainBenchmark.RunAsync(Console.Out);
        break;
    case "dispatch":
        await DispatchBenchmark.RunAsync(Console.Out);
        break;
    case "storage-ops":
        await StorageOpsBenchmark.RunAsync(Console.Out);
        break;
    case "coldstart":
        return await ColdStartBenchmark.RunAsync(args[1..], Console.Out);
    default:
        Console.Error.WriteLine("usage: Pipeline.Benchmarks e2e | dispatch | drain | storage-ops | metrics | micro [BenchmarkDotNet options] | coldstart [--runs N] [name=executable ...]");
        return 2;
}
return 0;
