using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Azure;

namespace Pipeline.Functions.Messaging;

public static class MessagingModule
{
    /// <summary>The Functions host's name for the Service Bus connection; the app reads the same settings.</summary>
    public const string ServiceBusConnection = "ServiceBusConnection";

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
            services.AddAzureClients(clients =>
            {
                var section = configuration.GetSection(ServiceBusConnection);
                if (!string.IsNullOrWhiteSpace(section.Value)) clients.AddServiceBusClient(section.Value);
                else clients.AddServiceBusClientWithNamespace(section["fullyQualifiedNamespace"]!).WithCredential(CredentialOf(section));
            });
            services.AddSingleton<IMessagePublisher, ServiceBusPublisher>();
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
    public static bool UsesServiceBus(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[PipelineApp.CustomHandlerPortSetting]) && IsServiceBusConfigured(configuration);

    public static bool IsServiceBusConfigured(IConfiguration configuration)
    {
        var section = configuration.GetSection(ServiceBusConnection);
        return !string.IsNullOrWhiteSpace(section.Value) || !string.IsNullOrWhiteSpace(section["fullyQualifiedNamespace"]);
    }

    /// <summary>As the host maps the connection's keys: <c>credential=managedidentity</c> (+ <c>clientId</c>), else the default chain.</summary>
    private static TokenCredential CredentialOf(IConfigurationSection section) =>
        string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(section["clientId"] is { Length: > 0 } clientId
                ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                : ManagedIdentityId.SystemAssigned)
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = section["clientId"] });
}
