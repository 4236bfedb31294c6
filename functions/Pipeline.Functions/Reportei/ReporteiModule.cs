using Pipeline.Functions.Hosting;
using Pipeline.Functions.Pipeline;

namespace Pipeline.Functions.Reportei;

public static class ReporteiModule
{
    /// <summary>
    /// Reportei (seed 004): the integrations registry, get-data from per-day rollups the Recorder keeps, and
    /// get-data-async with signed webhook callbacks retried by a timer.
    /// </summary>
    public static IServiceCollection AddReportei(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ReporteiOptions>(configuration.GetSection(ReporteiOptions.Section));
        services.AddSingleton<ReporteiBearer>();
        services.AddSingleton<MetricsIntegrations>();
        services.AddSingleton<MetricsRollups>();
        services.AddSingleton<MetricsQuery>();
        services.AddEventProjection<MetricsRollupProjection>();
        services.AddFunction<MetricsIntegrationFunction>();
        services.AddFunction<GetMetricsDataFunction>();
        return services;
    }
}
