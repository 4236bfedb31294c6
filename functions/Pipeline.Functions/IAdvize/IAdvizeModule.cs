using Pipeline.Functions.Hosting;

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
        services.AddHostedService<IAdvizeStartupLog>();

        services.AddSingleton<WebhookSignature>();
        services.AddSingleton<WebhookDeduplication>();
        services.AddFunction<IAdvizeWebhookFunction>();
        return services;
    }
}
