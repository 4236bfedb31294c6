using Pipeline.Functions.Analytics;
using Pipeline.Functions.Delivery.Http;
using Pipeline.Functions.Tracking;

namespace Pipeline.Functions.IAdvize;

public static class IAdvizeModule
{
    /// <summary>
    /// iAdvize (seed 003) both ways: its signed webhooks in, identified visitors out to its REST API, its
    /// conversation and satisfaction events on to Intercom, and the connector's verification and visitor-profile URLs.
    /// </summary>
    public static IServiceCollection AddIAdvize(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<IAdvizeOptions>(configuration.GetSection(IAdvizeOptions.Section));
        services.AddSingleton<IStartupReport, IAdvizeStartupReport>();

        services.AddSingleton<IAdvizeWebhookSignature>();
        services.AddSingleton<WebhookDeduplication>();
        services.AddTable(WebhookDeduplication.TableName);

        // The one registration of the outbound client: a concurrency cap per instance, Retry-After pauses, the attempt timeout.
        services.AddDestinationHttpClient(IAdvizeClient.HttpClientName,
            (sp, http) => IAdvizeClient.Configure(http, Options(sp)),
            sp => IAdvizeClient.HttpOptions(Options(sp)));
        services.AddSingleton<IAdvizeClient>();
        services.AddSingleton<IAdvizeVisitors>();
        services.AddTable(IAdvizeVisitors.TableName);
        services.AddProjection(IndexIAdvizeVisitorsFunction.Subscription)
            .AddSubscription<VisitorSessionStarted, VisitorIndexProjection>()
            .AddSubscription<AnalyticsEventRecorded, VisitorIndexProjection>();
        services.AddSingleton<VisitorSync>();
        services.AddSingleton<KnownVisitorEmails>();
        // Identified tracking visitors (anonymous session starts are skipped before anything is claimed).
        services.AddDestination<IAdvizeDestination>(IAdvizeDestination.DestinationName)
            .AddSubscription<VisitorSessionStarted, ForwardIdentifiedVisitors>();

        // The connector's URLs: the verification url and the agent's visitor-profile panel.
        services.AddSingleton<ConnectorToken>();
        services.AddSingleton<SubjectHistory>();
        services.AddSingleton<VisitorProfile>();
        services.AddFunctionsOf(typeof(IAdvizeModule).Assembly);
        services.AddApiDescription<IAdvizeApiDescription>();
        return services;
    }

    private static IAdvizeOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<IAdvizeOptions>>().Value;
}
