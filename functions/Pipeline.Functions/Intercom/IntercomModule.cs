using Microsoft.Extensions.Options;
using Pipeline.Functions.Delivery;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Intercom;

public static class IntercomModule
{
    /// <summary>Intercom as a destination: its client, mapping, forwarder and the attribute set-up command.</summary>
    public static IServiceCollection AddIntercom(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<IntercomOptions>(configuration.GetSection(IntercomOptions.Section));
        services.AddHttpClient(IntercomClient.HttpClientName,
            (sp, http) => IntercomClient.Configure(http, sp.GetRequiredService<IOptions<IntercomOptions>>().Value));
        services.AddSingleton<IntercomRateLimiter>();
        services.AddSingleton<IntercomClient>();
        services.AddSingleton<CompanyUpdateCoalescer>();
        services.AddSingleton<OwnerContacts>();
        services.AddSingleton<IntercomSync>();
        services.AddSingleton<IntercomDestination>();
        services.AddSingleton<DataAttributesCommand>();
        services.AddFunction<ForwardToIntercomFunction>();
        services.AddReplayableDestination(IntercomDestination.DestinationName, QueueNames.Intercom);
        return services;
    }
}
