using Pipeline.Functions.Analytics;
using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.IAdvize;
using Pipeline.Functions.Messaging;
using Pipeline.Functions.Tracking;

namespace Pipeline.Functions.Reportei;

public static class ReporteiModule
{
    /// <summary>
    /// Reportei (seed 004): the integrations registry, get-data from per-day rollups the Recorder keeps, and
    /// get-data-async with signed webhook callbacks, retried on their own schedule by the pipeline's retry model.
    /// </summary>
    public static IServiceCollection AddReportei(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IStartupReport, ReporteiStartupReport>();
        services.AddOptions<ReporteiOptions>()
            .Bind(configuration.GetSection(ReporteiOptions.Section))
            .Validate(o => o.RetryDelaysAreValid(), "Reportei__RetryScheduleSeconds must be seconds separated by commas, e.g. 5,300,1800")
            .ValidateOnStart();
        services.AddSingleton<ReporteiBearer>();
        services.AddSingleton<MetricsIntegrations>();
        services.AddSingleton<MetricsRollups>();
        services.AddTable(MetricsIntegrations.TableName);
        services.AddTable(MetricsRollups.TableName);
        services.AddSingleton<MetricsQuery>();
        services.AddProjection(RollUpMetricsFunction.Subscription)
            .AddSubscription<PushReceived, MetricsRollupProjection>()
            .AddSubscription<TrackingActionSent, MetricsRollupProjection>()
            .AddSubscription<VisitorSessionStarted, MetricsRollupProjection>()
            .AddSubscription<AnalyticsEventRecorded, MetricsRollupProjection>()
            .AddSubscription<ConversationClosed, MetricsRollupProjection>()
            .AddSubscription<SatisfactionFilled, MetricsRollupProjection>();

        services.AddSingleton<MetricsJobs>();
        services.AddTable(MetricsJobs.TableName);
        services.AddSingleton<WebhookGuard>();
        services.AddSingleton(new RecordedDestination(ReporteiWebhookDestination.DestinationName));
        services.AddSingleton<MetricsJobRunner>();
        services.AddHttpClient(ReporteiWebhookDestination.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // A redirect could lead anywhere; the guard checks every connection against the address it reaches.
                AllowAutoRedirect = false,
                UseProxy = false,
                ConnectCallback = sp.GetRequiredService<WebhookGuard>().ConnectAsync,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });
        services.AddSingleton(new RetryPolicyRegistration(RunMetricsJobFunction.Name,
            sp => RetryPolicy.Schedule(sp.GetRequiredService<IOptions<ReporteiOptions>>().Value.RetryDelays())));
        services.AddFunctionsOf(typeof(ReporteiModule).Assembly);
        services.AddApiDescription<ReporteiApiDescription>();
        return services;
    }
}
