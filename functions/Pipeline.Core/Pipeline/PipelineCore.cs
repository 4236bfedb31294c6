using Pipeline.Functions.Health;
using Pipeline.Functions.Messaging;

namespace Pipeline.Functions.Pipeline;

public static class PipelineCore
{
    /// <summary>What every module builds on: storage, messaging, the Recorder, the delivery engine and health.</summary>
    public static IServiceCollection AddPipelineCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<StorageAccount>();
        services.AddSingleton<EventLog>();
        services.AddSingleton<StorageReadiness>();
        services.AddSingleton<AdminApiKey>();
        services.AddSingleton(MessagingEntities.From);
        services.AddServiceBusClients(configuration);
        services.AddHostedService<StorageInitializer>();
        services.AddMessaging(configuration);
        services.AddDeliveryEngine();
        services.AddHealth(configuration);
        services.AddFunctionsOf(typeof(PipelineCore).Assembly);
        return services;
    }
}
