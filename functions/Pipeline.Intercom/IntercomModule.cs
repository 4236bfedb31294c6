using Microsoft.Extensions.Options;
using Pipeline.Functions.Delivery;
using Pipeline.Functions.Delivery.Http;
using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Intercom;

public static class IntercomModule
{
    /// <summary>Intercom as a destination: its client, mapping, forwarder and the attribute set-up command.</summary>
    public static IServiceCollection AddIntercom(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<IntercomOptions>(configuration.GetSection(IntercomOptions.Section));
        services.AddSingleton<IStartupReport, IntercomStartupReport>();
        services.AddDestinationHttpClient(IntercomClient.HttpClientName,
            (sp, http) => IntercomClient.Configure(http, Options(sp)),
            sp => IntercomClient.HttpOptions(Options(sp)));
        services.AddSingleton<IntercomClient>();
        services.AddSingleton<CompanyUpdateCoalescer>();
        services.AddSingleton<OwnerContacts>();
        services.AddSingleton<IntercomSync>();
        services.AddSingleton<IntercomContactEvents>();
        services.AddSingleton<DataAttributesCommand>();
        // Conversations closed and satisfaction ratings of known iAdvize visitors become data events on their contact.
        services.AddSingleton<IIntercomContactEventSource, IAdvizeContactEvents>();
        // Pushes, the sweep's statistics re-sends, and the iAdvize events that become data events on a contact.
        services.AddDestination<IntercomDestination>(IntercomDestination.DestinationName, "ForwardToIntercom",
            GhostMonitorEvents.PushPrefix + "*", GhostMonitorEvents.StatisticsSync,
            IAdvize.IAdvizeEvents.ConversationClosed, IAdvize.IAdvizeEvents.SatisfactionFilled);
        return services;
    }

    private static IntercomOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<IntercomOptions>>().Value;
}
