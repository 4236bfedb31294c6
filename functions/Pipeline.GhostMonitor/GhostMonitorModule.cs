namespace Pipeline.Functions.GhostMonitor;

public static class GhostMonitorModule
{
    /// <summary>
    /// The GhostMonitor push API (seed 000): the push endpoints, whose events it publishes as <see cref="PushReceived"/>,
    /// and each site's latest statistics, which the statistics sweep re-sends.
    /// </summary>
    public static IServiceCollection AddGhostMonitor(this IServiceCollection services)
    {
        services.AddFunctionsOf(typeof(GhostMonitorModule).Assembly);
        services.AddApiDescription<PushApiDescription>();
        services.AddSingleton<SiteStatistics>();
        services.AddTable(SiteStatistics.TableName);
        services.AddProjection(KeepSiteStatisticsFunction.Subscription)
            .AddSubscription<PushReceived, SiteStatisticsProjection>(GhostMonitorEvents.Statistics);
        return services;
    }
}
