using Pipeline.Functions.Analytics;
using Pipeline.Functions.ApiReference;
using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.IAdvize;
using Pipeline.Functions.Intercom;
using Pipeline.Functions.Operations;
using Pipeline.Functions.Reportei;
using Pipeline.Functions.Tracking;

namespace Pipeline.Functions;

/// <summary>
/// The app: the pipeline's core and every module, run by <see cref="PipelineWebHost"/> behind the Azure Functions host
/// (when <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> is set) or as the built-in local host on <c>PORT</c> (default 7071).
/// </summary>
public static class PipelineApp
{
    /// <summary>
    /// The pipeline's own parts, then every integration: each registers its functions, its subscriptions (destinations
    /// and projections) and its resources in one <c>Add…()</c>. A new destination is one project and one line here.
    /// </summary>
    public static void AddPipeline(IServiceCollection services, IConfiguration configuration)
    {
        services.AddPipelineCore(configuration);

        services.AddGhostMonitor();
        services.AddTracking(configuration);
        services.AddAnalytics();
        services.AddIntercom(configuration);
        services.AddIAdvize(configuration);
        services.AddReportei(configuration);
        services.AddOperations(configuration);
        services.AddApiReference();
    }

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null) =>
        PipelineWebHost.Build(args, AddPipeline, configure);
}
