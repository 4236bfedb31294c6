namespace Pipeline.Functions.Operations;

public static class OperationsModule
{
    /// <summary>
    /// Operating the pipeline: the admin API (deliveries, events, replays, dead letters, the sweep, a summary) under
    /// <c>/api/ops/…</c>, each call keyed with <c>X-Api-Key</c>, and the ops page at <c>/api/ops</c>.
    /// </summary>
    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<DeliveryIndexReader>();
        services.AddSingleton<Replayer>();
        services.AddTable(Replayer.TableName);
        switch (MessageBrokers.Of(configuration))
        {
            case MessageBroker.StorageQueues: services.AddSingleton<IDeadLetters, PoisonQueueDeadLetters>(); break;
            case MessageBroker.ServiceBus: services.AddSingleton<IDeadLetters, ServiceBusDeadLetters>(); break;
            default: services.AddSingleton<IDeadLetters, UnreachableDeadLetters>(); break;
        }

        services.AddFunctionsOf(typeof(OperationsModule).Assembly);
        services.AddApiDescription<OperationsApiDescription>();
        return services;
    }
}
