using Microsoft.Extensions.Options;
using Pipeline.Functions.Analytics;
using Pipeline.Functions.Health;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Intercom;
using Pipeline.Functions.LocalHost;
using Pipeline.Functions.Pipeline;
using Pipeline.Functions.Storage;
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

    /// <summary>Every function of the app. A new function is one class and one line here.</summary>
    public static void AddFunctions(IServiceCollection services)
    {
        services.AddSingleton<IFunction, HealthFunction>();
        services.AddSingleton<IFunction, PushSegmentFunction>();
        services.AddSingleton<IFunction, RecordEventFunction>();
        services.AddSingleton<IFunction, ForwardToIntercomFunction>();
        services.AddSingleton<IFunction, StartStatisticsSweepFunction>();
        services.AddSingleton<IFunction, StatisticsSweepTimerFunction>();
        services.AddSingleton<IFunction, RunStatisticsSweepPageFunction>();
        services.AddSingleton<IFunction, WebInitFunction>();
        services.AddSingleton<IFunction, WebSendFunction>();
        services.AddSingleton<IFunction, MobileInitFunction>();
        services.AddSingleton<IFunction, MobileSendFunction>();
        services.AddSingleton<IFunction, MobileSensorsFunction>();
        services.AddSingleton<IFunction, MobileGeoFunction>();
        services.AddSingleton<IFunction, CreateAnalyticsEventsFunction>();
        services.AddSingleton<IFunction, CreateLeadAnalyticsFunction>();
        services.AddSingleton<IFunction, CreateContactAnalyticsFunction>();
        services.AddSingleton<IFunction, SearchLeadAnalyticsFunction>();
        services.AddSingleton<IFunction, SearchContactAnalyticsFunction>();
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

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<StorageAccount>();
        services.AddSingleton<EventLog>();
        services.AddSingleton<DeliveryLog>();
        services.AddSingleton<SiteDirectory>();
        services.AddSingleton<StorageReadiness>();
        services.AddHostedService<StorageInitializer>();

        services.Configure<IntercomOptions>(configuration.GetSection(IntercomOptions.Section));
        services.AddHttpClient(IntercomClient.HttpClientName,
            (sp, http) => IntercomClient.Configure(http, sp.GetRequiredService<IOptions<IntercomOptions>>().Value));
        services.AddSingleton<IntercomRateLimiter>();
        services.AddSingleton<IntercomClient>();
        services.AddSingleton<CompanyUpdateCoalescer>();
        services.AddSingleton<OwnerContacts>();
        services.AddSingleton<IntercomSync>();
        services.AddSingleton<StatisticsSweep>();
        services.AddSingleton<DataAttributesCommand>();

        services.Configure<TrackingOptions>(configuration.GetSection(TrackingOptions.Section));
        services.AddSingleton<TrackingIds>();
        services.AddSingleton<AnalyticsIndex>();

        AddFunctions(services);
        services.AddSingleton<FunctionCatalog>();
        services.AddSingleton<FunctionDispatcher>();
        services.AddSingleton<MessageClaimCheck>();

        if (isCustomHandler)
        {
            services.AddSingleton(new QueueProvisioning([]));
        }
        else
        {
            services.Configure<LocalHostOptions>(configuration.GetSection(LocalHostOptions.Section));
            services.AddSingleton(sp => new QueueProvisioning(LocalTriggerHost.QueuesOf(sp.GetRequiredService<FunctionCatalog>())));
            services.AddSingleton<QueueOutputSender>();
            services.AddHostedService<LocalTriggerHost>();
        }

        var app = builder.Build();
        if (isCustomHandler) app.MapCustomHandler();
        else app.MapLocalHttpFunctions(app.Services.GetRequiredService<FunctionCatalog>());
        return app;
    }
}
