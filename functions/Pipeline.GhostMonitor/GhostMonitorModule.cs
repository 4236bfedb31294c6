using Pipeline.Functions.Hosting;
using Pipeline.Functions.Pipeline;
using Pipeline.Functions.Storage;

namespace Pipeline.Functions.GhostMonitor;

public static class GhostMonitorModule
{
    /// <summary>The GhostMonitor push API (seed 000): the push endpoints, the statistics sweep, and where pushes go.</summary>
    public static IServiceCollection AddGhostMonitor(this IServiceCollection services)
    {
        services.AddFunction<PushSegmentFunction>();
        services.AddFunction<StartStatisticsSweepFunction>();
        services.AddFunction<StatisticsSweepTimerFunction>();
        services.AddFunction<RunStatisticsSweepPageFunction>();
        services.AddSingleton<StatisticsSweep>();
        services.AddTable(StatisticsSweep.TableName);
        services.AddProjection<SiteStatisticsProjection>("site-statistics", "KeepSiteStatistics", GhostMonitorEvents.Statistics);
        return services;
    }
}
