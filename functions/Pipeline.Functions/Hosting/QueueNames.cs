namespace Pipeline.Functions.Hosting;

/// <summary>Service Bus queue names (Azurite storage queues of the same names locally).</summary>
public static class QueueNames
{
    public const string Events = "events";
    public const string Intercom = "intercom";
    public const string IAdvize = "iadvize";
    public const string StatisticsSweep = "statistics-sweep";
    public const string MetricsJobs = "metrics-jobs";
    public const string Replays = "replays";

    public static string Poison(string queue) => queue + "-poison";
}
