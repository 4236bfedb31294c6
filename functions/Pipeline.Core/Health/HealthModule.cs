namespace Pipeline.Functions.Health;

public static class HealthModule
{
    /// <summary><c>/api/health</c>, the backlog sampler behind it, the receive counter the queue listener reports to, and the
    /// refusals the local host reports.</summary>
    public static IServiceCollection AddHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ReceiveHealth>();
        services.AddSingleton<IntakeHealth>();
        switch (MessageBrokers.Of(configuration))
        {
            case MessageBroker.ServiceBus: services.AddSingleton<IBacklogReader, ServiceBusBacklog>(); break;
            case MessageBroker.StorageQueues: services.AddSingleton<IBacklogReader, StorageQueueBacklog>(); break;
            default: services.AddSingleton<IBacklogReader, UnknownBacklog>(); break;
        }
        services.AddSingleton<BacklogMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<BacklogMonitor>());
        services.AddApiDescription<HealthApiDescription>();
        return services;
    }
}
