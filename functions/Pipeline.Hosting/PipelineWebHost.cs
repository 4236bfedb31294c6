using Azure.Core.Serialization;
using Pipeline.Functions.Hosting.Worker;
using Pipeline.Functions.LocalHost;
using Pipeline.Functions.Messaging;
using Pipeline.Functions.Telemetry;

namespace Pipeline.Functions;

/// <summary>
/// Builds the web host of the app's functions in one of its two modes: behind the Azure Functions host, when
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> is set, or as the built-in local host on <c>PORT</c> (default 7071).
/// </summary>
public static class PipelineWebHost
{
    public const int DefaultLocalPort = 7071;

    public static WebApplication Build(string[] args, Action<IServiceCollection, IConfiguration> addFunctions,
        Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        LocalSettings.AddTo(builder.Configuration, builder.Environment.ContentRootPath);
        configure?.Invoke(builder);
        var configuration = builder.Configuration;
        var customHandlerPort = configuration[FunctionsHost.CustomHandlerPortSetting];
        var isCustomHandler = FunctionsHost.IsCustomHandler(configuration);

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
        addFunctions(services, configuration);
        services.AddHostedService<StartupSummary>();
        // The app's functions are its [Function] methods, found through the bridge on the registered classes. The
        // topic's subscriptions are declared by the consumers, and read by their own functions: both must match.
        services.AddSingleton(sp => EventSubscriptions.CheckReadBy(
            new FunctionCatalog(WorkerFunction.Of(sp.GetServices<FunctionClass>(), sp)),
            sp.GetServices<EventSubscription>()));
        services.Configure<WorkerOptions>(o => o.Serializer ??= new JsonObjectSerializer(WorkerParameterBinding.MessageJson));
        // The middleware around every function, in their order; the dispatcher runs it and is one of its steps.
        services.AddFunctionPipeline();
        services.AddSingleton<MessageClaimCheck>();

        // Service Bus entities come from the template; the Azurite queues standing in for them are made here.
        services.AddSingleton(sp => new QueueProvisioning(MessagingModule.UsesServiceBus(configuration)
            ? []
            : LocalTriggerHost.QueuesOf(sp.GetRequiredService<FunctionCatalog>())));
        if (!isCustomHandler)
        {
            services.Configure<LocalHostOptions>(configuration.GetSection(LocalHostOptions.Section));
            services.AddSingleton<MessageSlots>();
            services.AddSingleton<IdlePolling>();
            services.AddHostedService<LocalTriggerHost>();
        }

        var app = builder.Build();
        app.UseCallerErrors();
        if (isCustomHandler) app.MapCustomHandler();
        else app.MapLocalHttpFunctions(app.Services.GetRequiredService<FunctionCatalog>());
        return app;
    }
}
