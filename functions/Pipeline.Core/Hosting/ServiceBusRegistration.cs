using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Microsoft.Extensions.Azure;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// One <see cref="ServiceBusClient"/> and one <see cref="ServiceBusAdministrationClient"/> for the app, registered
/// through <c>Microsoft.Extensions.Azure</c> from the settings the Functions host reads for its Service Bus triggers:
/// <c>ServiceBusConnection</c> as a connection string, or <c>ServiceBusConnection__fullyQualifiedNamespace</c> with
/// <c>__credential</c> / <c>__clientId</c> (<see cref="ConnectionCredential"/>, the same keys as storage). Nothing is
/// registered without them: the local host runs on Azurite queues and has none.
/// </summary>
public static class ServiceBusRegistration
{
    public const string ConnectionSetting = "ServiceBusConnection";

    private const string NamespaceKey = "fullyQualifiedNamespace";

    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[ConnectionSetting])
        || !string.IsNullOrWhiteSpace(configuration.GetSection(ConnectionSetting)[NamespaceKey]);

    public static IServiceCollection AddServiceBusClients(this IServiceCollection services, IConfiguration configuration)
    {
        if (!IsConfigured(configuration)) return services;
        var connectionString = configuration[ConnectionSetting];
        var section = configuration.GetSection(ConnectionSetting);
        services.AddAzureClients(clients =>
        {
            if (!string.IsNullOrWhiteSpace(connectionString))
            {
                clients.AddServiceBusClient(connectionString);
                clients.AddServiceBusAdministrationClient(connectionString);
                return;
            }
            var fullyQualifiedNamespace = section[NamespaceKey]!.Trim();
            var credential = ConnectionCredential.From(section).Create();
            clients.AddServiceBusClientWithNamespace(fullyQualifiedNamespace).WithCredential(credential);
            clients.AddServiceBusAdministrationClientWithNamespace(fullyQualifiedNamespace).WithCredential(credential);
        });
        return services;
    }
}
