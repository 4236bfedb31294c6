using Pipeline.Functions.Analytics;
using Pipeline.Functions.Delivery;
using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.Health;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.IAdvize;
using Pipeline.Functions.Intercom;
using Pipeline.Functions.LocalHost;
using Pipeline.Functions.Messaging;
using Pipeline.Functions.Operations;
using Pipeline.Functions.Pipeline;
using Pipeline.Functions.Reportei;
using Pipeline.Functions.Storage;
using Pipeline.Functions.Telemetry;
using Pipeline.Functions.Tracking;

namespace Pipeline.Functions;

/// <summary>
/// Builds the app in one of its two modes (design §2): behind the Azure Functions host, when
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> is set, or as the built-in local host on <c>PORT</c> (default 7071).
/// </summary>
public static class PipelineApp
{
    public const string CustomHandlerPortSetting = "FUNCTIONS_CUSTOMHANDLER_PORT";
    public const int DefaultLocalPort = 7071;

    /// <summary>
    /// The pipeline's own parts, then every integration: each registers its functions, its subscriptions (destinations
    /// and projections) and its resources in one <c>Add…()</c>. A new destination is one folder and one line here.
    /// </summary>
    public static void AddPipeline(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<StorageAccount>();
        services.AddSingleton<EventLog>();
        services.AddSingleton<SiteDirectory>();
        services.AddSingleton<StorageReadiness>();
        services.AddSingleton<AdminApiKey>();
        services.AddSingleton(MessagingEntities.From);
        services.AddServiceBusClients(configuration);
        services.AddHostedService<StorageInitializer>();
        services.AddMessaging(configuration);
        services.AddHostedService<StartupSummary>();
        services.AddDeliveryEngine();
        services.AddHealth(configuration);
        services.AddFunction<RecordEventFunction>();

        services.AddGhostMonitor();
        services.AddTracking(configuration);
        services.AddAnalytics();
        services.AddIntercom(configuration);
        services.AddIAdvize(configuration);
        services.AddReportei(configuration);
        services.AddOperations(configuration);
    }

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        LocalSettings.AddTo(builder.Configuration, builder.Environment.ContentRootPath);
        configure?.Invoke(builder);
        var configuration = builder.Configuration;
        var customHandlerPort = configuration[CustomHandlerPortSetting];
        var isCustomHandler = !string.IsNullOrWhiteSpace(customHandlerPort);

        builder.WebHost.UseKestrel(k => k.AddServerHeader = false);
        builder.WebHost.UseUrls(isCustomHandler
            ? $"http://127.0.0.1:{customHandlerPort}"
            : $"http://localhost:{configuration["PORT"] ?? DefaultLocalPort.ToString()}");
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        // Request and HttpClient chatter drowns the pipeline's own lines; warnings still show.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.AddPipelineTelemetry();

        var services = builder.Services;
        AddPipeline(services, configuration);
        services.AddSingleton<FunctionCatalog>();
        services.AddSingleton<FunctionDispatcher>();
        services.AddSingleton<MessageClaimCheck>();

        // Service Bus entities come from the template; the Azurite queues standing in for them are made here.
        services.AddSingleton(sp => new QueueProvisioning(MessagingModule.UsesServiceBus(configuration)
            ? []
            : LocalTriggerHost.QueuesOf(sp.GetRequiredService<FunctionCatalog>())));
        if (!isCustomHandler)
        {
            services.Configure<LocalHostOptions>(configuration.GetSection(LocalHostOptions.Section));
            services.AddHostedService<LocalTriggerHost>();
        }

        var app = builder.Build();
        app.UseCallerErrors();
        if (isCustomHandler) app.MapCustomHandler();
        else app.MapLocalHttpFunctions(app.Services.GetRequiredService<FunctionCatalog>());
        return app;
    }
}
