using Pipeline.Functions.Delivery.Http;
using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.IAdvize;

namespace Pipeline.Functions.Intercom;

public static class IntercomModule
{
    /// <summary>Intercom as a destination: its client, mapping, forwarder, the statistics sweep and the attribute set-up command.</summary>
    public static IServiceCollection AddIntercom(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<IntercomOptions>(configuration.GetSection(IntercomOptions.Section));
        services.AddSingleton<IStartupReport, IntercomStartupReport>();
        services.AddDestinationHttpClient(IntercomClient.HttpClientName,
            (sp, http) => IntercomClient.Configure(http, Options(sp)),
            sp => IntercomClient.HttpOptions(Options(sp)));
        services.AddSingleton<IntercomClient>();
        services.AddSingleton<IntercomCompanies>();
        services.AddTable(IntercomCompanies.TableName);
        services.AddSingleton<CompanyUpdateCoalescer>();
        services.AddSingleton<OwnerContacts>();
        services.AddSingleton<IntercomContactEvents>();
        services.AddSingleton<DataAttributesCommand>();

        // What it forwards: pushes, the sweep's statistics re-sends, and the iAdvize conversations of known visitors,
        // which become data events on their contact.
        services.AddDestination<IntercomDestination>(IntercomDestination.DestinationName)
            .AddSubscription<PushReceived, IntercomSync>()
            .AddSubscription<StatisticsResent, IntercomSync>()
            .AddSubscription<ConversationClosed, IAdvizeContactEvents>()
            .AddSubscription<SatisfactionFilled, IAdvizeContactEvents>();

        // The statistics sweep (GET /api/all and its timer): re-sends each site's latest statistics Intercom lacks.
        services.AddSingleton<StatisticsSweep>();
        services.AddTable(StatisticsSweep.TableName);
        services.AddFunctionsOf(typeof(IntercomModule).Assembly);
        services.AddApiDescription<IntercomApiDescription>();
        return services;
    }

    private static IntercomOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<IntercomOptions>>().Value;
}
