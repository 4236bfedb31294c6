using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Moq;

namespace Pipeline.UnitTests;

/// <summary>The entities the app reads, and the Service Bus clients it registers from the host's own settings.</summary>
public sealed class MessagingEntitiesTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key.Replace("__", ":"), s.Value)))
            .Build();

    [Fact]
    public void A_queue_stands_for_itself_and_a_subscription_for_topic_dash_subscription_locally()
    {
        var queue = new MessagingEntity("intercom");
        var subscription = new MessagingEntity("events", "reportei-rollups");

        Assert.Equal("intercom", queue.LocalQueue);
        Assert.Equal("intercom", queue.DisplayName);
        Assert.Equal("events-reportei-rollups", subscription.LocalQueue);
        Assert.Equal("events/subscriptions/reportei-rollups", subscription.DisplayName);
    }

    private static IFunction Function(string name, FunctionTrigger trigger)
    {
        var function = new Mock<IFunction>();
        function.Setup(f => f.Definition).Returns(new FunctionBindings(name, trigger, []));
        return function.Object;
    }

    [Fact]
    public void Every_entity_a_function_is_triggered_by_is_listed_once_in_name_order()
    {
        var catalog = new FunctionCatalog([
            Function("ForwardToIntercom", new MessageTrigger("intercom")),
            Function("RecordEvent", new MessageTrigger("events")),
            Function("AlsoIntercom", new MessageTrigger("intercom")),
            Function("Health", new HttpRoute("health", ["get"], AuthLevel.Anonymous)),
        ]);

        var entities = new MessagingEntities(() => MessagingEntities.Declared(catalog));

        Assert.Equal(["events", "intercom"], entities.All.Select(e => e.DisplayName));
        Assert.Equal(new MessagingEntity("intercom"), entities.Find("intercom"));
        Assert.Null(entities.Find("intercom-poison"));
    }

    [Fact]
    public async Task A_connection_string_registers_both_clients_on_its_namespace()
    {
        var configuration = Settings(("ServiceBusConnection",
            "Endpoint=sb://pipeline-bus.servicebus.windows.net/;SharedAccessKeyName=app;SharedAccessKey=c2VjcmV0"));

        await using var provider = new ServiceCollection().AddLogging().AddServiceBusClients(configuration).BuildServiceProvider();

        Assert.Equal("pipeline-bus.servicebus.windows.net", provider.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
        Assert.NotNull(provider.GetRequiredService<ServiceBusAdministrationClient>());
        Assert.Same(provider.GetRequiredService<ServiceBusClient>(), provider.GetRequiredService<ServiceBusClient>());
    }

    [Fact]
    public async Task The_identity_form_registers_both_clients_with_the_host_s_managed_identity_keys()
    {
        var configuration = Settings(("ServiceBusConnection__fullyQualifiedNamespace", "pipeline-bus.servicebus.windows.net"),
            ("ServiceBusConnection__credential", "managedidentity"), ("ServiceBusConnection__clientId", "2b0f3c1e-0000-4000-8000-000000000001"));

        await using var provider = new ServiceCollection().AddLogging().AddServiceBusClients(configuration).BuildServiceProvider();

        Assert.Equal("pipeline-bus.servicebus.windows.net", provider.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
        Assert.NotNull(provider.GetRequiredService<ServiceBusAdministrationClient>());
        var credential = ConnectionCredential.From(configuration.GetSection(ServiceBusRegistration.ConnectionSetting));
        Assert.Equal(new ConnectionCredential("2b0f3c1e-0000-4000-8000-000000000001", ManagedIdentity: true), credential);
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(credential.Create());
    }

    [Fact]
    public async Task Without_settings_nothing_is_registered_and_the_local_host_stays_on_storage_queues()
    {
        await using var provider = new ServiceCollection().AddLogging().AddServiceBusClients(Settings()).BuildServiceProvider();

        Assert.Null(provider.GetService<ServiceBusClient>());
        Assert.Equal(MessageBroker.StorageQueues, MessageBrokers.Of(Settings()));
        Assert.Equal(MessageBroker.StorageQueues,
            MessageBrokers.Of(Settings(("ServiceBusConnection__fullyQualifiedNamespace", "pipeline-bus.servicebus.windows.net"))));
        Assert.Equal(MessageBroker.Unreachable, MessageBrokers.Of(Settings((FunctionsHost.CustomHandlerPortSetting, "5000"))));
        Assert.Equal(MessageBroker.ServiceBus, MessageBrokers.Of(Settings((FunctionsHost.CustomHandlerPortSetting, "5000"),
            ("ServiceBusConnection__fullyQualifiedNamespace", "pipeline-bus.servicebus.windows.net"))));
    }
}
