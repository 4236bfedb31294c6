namespace Pipeline.Functions.Messaging;

public static class MessagingModule
{
    /// <summary>The Functions host's name for the Service Bus connection; the app reads the same settings.</summary>
    public const string ServiceBusConnection = ServiceBusRegistration.ConnectionSetting;

    /// <summary>
    /// The publisher and the retry model. Under the Functions host with a Service Bus connection (<c>ServiceBusConnection</c> as a connection
    /// string, or <c>ServiceBusConnection__fullyQualifiedNamespace</c> with the managed identity's
    /// <c>__credential</c>/<c>__clientId</c>, the keys the host reads) sends go through Azure.Messaging.ServiceBus;
    /// without one, through the Azurite queues that stand in for it.
    /// </summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RetryOptions>()
            .Bind(configuration.GetSection(RetryOptions.Section))
            .Validate(o => o.IsValid(), "Retry__* must give delays >= 0, MaxDelaySeconds >= BaseDelaySeconds, and a limit (MaxAttempts or MaxAgeMinutes)")
            .ValidateOnStart();
        services.AddSingleton<RetryPolicies>();

        if (UsesServiceBus(configuration))
        {
            services.AddSingleton<IMessagePublisher, ServiceBusPublisher>(); // its client: ServiceBusRegistration
        }
        else
        {
            services.AddSingleton<AzuriteQueuePublisher>();
            services.AddSingleton<IMessagePublisher>(sp => sp.GetRequiredService<AzuriteQueuePublisher>());
        }
        return services;
    }

    /// <summary>
    /// Under the Functions host with a Service Bus connection. The local host always uses Azurite: its listeners
    /// read Azurite queues, so its sends must go there too.
    /// </summary>
    public static bool UsesServiceBus(IConfiguration configuration) => MessageBrokers.Of(configuration) == MessageBroker.ServiceBus;
}
