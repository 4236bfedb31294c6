using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml;
using Microsoft.AspNetCore.Builder;
using Pipeline.Functions.Pipeline;

namespace Pipeline.UnitTests;

/// <summary>infra/main.bicep (and its modules) compiles and lints clean, and provisions what the function declarations need.</summary>
public sealed class InfrastructureTemplateTests
{
    private static readonly Lazy<JsonElement> Template = new(() =>
        JsonDocument.Parse(Bicep("build", Path.Combine("infra", "main.bicep"), "--stdout")).RootElement);

    private static readonly WebApplication Host = PipelineApp.Build([], b => b.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }));

    private static readonly FunctionCatalog Catalog = Host.Services.GetRequiredService<FunctionCatalog>();

    /// <summary>The settings the Key Vault must hold, referenced from app settings.</summary>
    private static readonly string[] SecretSettings =
    [
        "Intercom__AccessToken", "IAdvize__ApiKey", "IAdvize__WebhookSecret", "IAdvize__ConnectorToken",
        "Reportei__Tokens__0", "Reportei__WebhookSecret", "Admin__ApiKey",
    ];

    /// <summary>Runs the Bicep CLI from the repository root; fails on a non-zero exit or on anything written to stderr.</summary>
    private static string Bicep(params string[] arguments)
    {
        var bicep = typeof(InfrastructureTemplateTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepPath").Value!.Replace('\\', '/');
        var start = new ProcessStartInfo(bicep)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot.Find(),
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"bicep {string.Join(' ', arguments)} failed: {errors}{output.Result}");
        Assert.True(string.IsNullOrWhiteSpace(errors), $"bicep {string.Join(' ', arguments)} warned: {errors}");
        return output.Result;
    }

    /// <summary>A module's deployment in the compiled template, by module name.</summary>
    private static JsonElement Module(string name) =>
        Template.Value.GetProperty("resources").EnumerateArray().Single(r =>
            r.GetProperty("type").GetString() == "Microsoft.Resources/deployments" && r.GetProperty("name").GetString() == name);

    private static JsonElement Resource(string module, string type) =>
        Module(module).GetProperty("properties").GetProperty("template").GetProperty("resources").EnumerateArray()
            .Single(r => r.GetProperty("type").GetString() == type);

    private static string ModuleParameter(string module, string name) =>
        Module(module).GetProperty("properties").GetProperty("parameters").GetProperty(name).GetProperty("value").ToString();

    private static JsonElement Variable(string name) => Template.Value.GetProperty("variables").GetProperty(name);

    /// <summary>The app-settings expression the function app module receives.</summary>
    private static string AppSettingsExpression => ModuleParameter("functionApp", "appSettings");

    /// <summary>Names of the app settings with a fixed name: literal objects in the expression and the variables it concatenates.</summary>
    private static HashSet<string> AppSettingNames()
    {
        var expression = AppSettingsExpression;
        var names = Regex.Matches(expression, @"createObject\('name', '([^']+)'").Select(m => m.Groups[1].Value).ToHashSet();
        foreach (Match reference in Regex.Matches(expression, @"variables\('([^']+)'\)"))
        {
            var variable = reference.Groups[1].Value;
            if (Template.Value.GetProperty("variables").TryGetProperty(variable, out var value) && value.ValueKind == JsonValueKind.Array)
                names.UnionWith(value.EnumerateArray().Select(s => s.GetProperty("name").GetString()!));
        }
        return names;
    }

    [Fact]
    public void The_template_and_its_parameters_file_compile_and_lint_without_a_warning()
    {
        Assert.Equal("", Bicep("lint", Path.Combine("infra", "main.bicep")).Trim());
        Assert.Equal("", Bicep("lint", Path.Combine("infra", "main.bicepparam")).Trim());
        using var parameters = JsonDocument.Parse(Bicep("build-params", Path.Combine("infra", "main.bicepparam"), "--stdout"));
        Assert.Contains("namePrefix", parameters.RootElement.GetProperty("parametersJson").GetString());
    }

    [Fact]
    public void Every_queue_a_function_reads_or_writes_is_provisioned_with_the_delivery_rules_and_duplicate_detection()
    {
        var topics = Catalog.WithTrigger<MessageTrigger>().Where(f => f.Trigger.Subscription is not null).Select(f => f.Trigger.QueueName).ToHashSet();
        var declared = Catalog.WithTrigger<MessageTrigger>().Where(f => f.Trigger.Subscription is null).Select(f => f.Trigger.QueueName)
            .Concat(Catalog.All.SelectMany(f => f.Definition.QueueOutputs).Select(o => o.QueueName).Where(q => !topics.Contains(q)))
            .ToHashSet();
        var provisioned = Variable("queueNames").EnumerateArray().Select(q => q.GetString()!).ToHashSet();

        Assert.Equal(declared.Order(), provisioned.Order());
        Assert.Equal("[variables('queueNames')]", ModuleParameter("serviceBus", "queueNames"));
        var queue = Resource("serviceBus", "Microsoft.ServiceBus/namespaces/queues");
        Assert.Equal("[length(parameters('queueNames'))]", queue.GetProperty("copy").GetProperty("count").GetString());
        var properties = queue.GetProperty("properties").GetString()!;
        Assert.Contains("'maxDeliveryCount', 10", properties);
        Assert.Contains("'deadLetteringOnMessageExpiration', true()", properties);
        Assert.Contains("variables('duplicateDetection')", properties);
        var duplicateDetection = Module("serviceBus").GetProperty("properties").GetProperty("template").GetProperty("variables")
            .GetProperty("duplicateDetection");
        Assert.True(duplicateDetection.GetProperty("requiresDuplicateDetection").GetBoolean());
    }

    [Fact]
    public void The_topic_has_one_subscription_per_consumer_whose_only_rule_is_the_consumers_filter()
    {
        var subscriptions = Catalog.All.Select(f => f.Definition.Trigger).OfType<MessageTrigger>().Where(t => t.Subscription is not null).ToList();
        var consumers = Host.Services.GetServices<EventSubscription>().ToDictionary(s => s.Name);
        var provisioned = Variable("topicSubscriptions").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("filter").GetString()!);

        Assert.Equal(EventSubscription.Topic, Variable("topicName").GetString());
        Assert.All(subscriptions, t => Assert.Equal(EventSubscription.Topic, t.QueueName));
        Assert.Equal(subscriptions.Select(t => t.Subscription!).Order(), provisioned.Keys.Order());
        foreach (var (name, filter) in provisioned) Assert.Equal(consumers[name].SqlFilter, filter);
        Assert.Equal("[variables('topicSubscriptions')]", ModuleParameter("serviceBus", "topicSubscriptions"));

        var topic = Resource("serviceBus", "Microsoft.ServiceBus/namespaces/topics").GetProperty("properties").GetString()!;
        Assert.Contains("variables('duplicateDetection')", topic);
        var subscription = Resource("serviceBus", "Microsoft.ServiceBus/namespaces/topics/subscriptions").GetProperty("properties");
        Assert.Equal(10, subscription.GetProperty("maxDeliveryCount").GetInt32());
        Assert.Equal("[parameters('lockDuration')]", subscription.GetProperty("lockDuration").GetString());
        var rule = Resource("serviceBus", "Microsoft.ServiceBus/namespaces/topics/subscriptions/rules");
        Assert.Contains("'$Default'", rule.GetProperty("name").GetString()); // replaces the catch-all rule of a new subscription
        Assert.Equal("SqlFilter", rule.GetProperty("properties").GetProperty("filterType").GetString());
    }

    [Fact]
    public void A_queue_lock_lasts_as_long_as_the_slowest_function_may_run()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "host.json")));
        var functionTimeout = TimeSpan.Parse(host.RootElement.GetProperty("functionTimeout").GetString()!);
        var lockDuration = XmlConvert.ToTimeSpan(Variable("queueLockDuration").GetString()!);

        Assert.True(lockDuration >= functionTimeout, $"lock {lockDuration} is shorter than functionTimeout {functionTimeout}");
        Assert.True(lockDuration <= TimeSpan.FromMinutes(5), "Service Bus allows a lock of at most 5 minutes");
        Assert.Equal("[variables('queueLockDuration')]", ModuleParameter("serviceBus", "lockDuration"));
        Assert.Contains("'lockDuration', parameters('lockDuration')",
            Resource("serviceBus", "Microsoft.ServiceBus/namespaces/queues").GetProperty("properties").GetString());
    }

    [Fact]
    public void The_app_runs_on_flex_consumption_as_a_custom_handler_with_the_settings_its_bindings_name()
    {
        var site = Resource("functionApp", "Microsoft.Web/sites").GetProperty("properties");
        var config = site.GetProperty("functionAppConfig");
        Assert.Equal("custom", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("1.0", config.GetProperty("runtime").GetProperty("version").GetString());
        Assert.Equal("blobContainer", config.GetProperty("deployment").GetProperty("storage").GetProperty("type").GetString());
        var scale = config.GetProperty("scaleAndConcurrency");
        Assert.Equal("[parameters('instanceMemoryMB')]", scale.GetProperty("instanceMemoryMB").GetString());
        Assert.Equal("[parameters('maximumInstanceCount')]", scale.GetProperty("maximumInstanceCount").GetString());
        Assert.Contains("'http'", scale.GetProperty("alwaysReady").GetString());
        Assert.Equal("FlexConsumption", Resource("functionApp", "Microsoft.Web/serverfarms").GetProperty("sku").GetProperty("tier").GetString());

        var names = AppSettingNames();
        var needed = new[] { "APPLICATIONINSIGHTS_CONNECTION_STRING", "Intercom__BaseUrl" }
            .Concat(Catalog.WithTrigger<TimerSchedule>().Select(f => f.Trigger.ScheduleSetting)); // %Setting% must exist
        Assert.All(needed, name => Assert.Contains(name, names));
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", names); // Flex takes the runtime from functionAppConfig
    }

    [Fact]
    public void Storage_and_service_bus_are_reached_through_the_managed_identity_never_a_key()
    {
        var names = AppSettingNames();
        foreach (var connection in new[] { "AzureWebJobsStorage", FunctionMetadataWriter.ServiceBusConnection })
        {
            Assert.DoesNotContain(connection, names); // the connection-string form
            Assert.Contains($"{connection}__credential", names);
            Assert.Contains($"{connection}__clientId", names);
        }
        Assert.Contains("AzureWebJobsStorage__accountName", names);
        Assert.Contains("ServiceBusConnection__fullyQualifiedNamespace", names);
        Assert.Contains("createObject('name', 'AzureWebJobsStorage__credential', 'value', 'managedidentity')", AppSettingsExpression);

        Assert.DoesNotMatch(@"\blist[A-Za-z]*\(", Template.Value.GetRawText()); // no listKeys / listSecrets anywhere
        Assert.False(Resource("storage", "Microsoft.Storage/storageAccounts").GetProperty("properties").GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.True(Resource("serviceBus", "Microsoft.ServiceBus/namespaces").GetProperty("properties").GetProperty("disableLocalAuth").GetBoolean());

        var site = Resource("functionApp", "Microsoft.Web/sites");
        Assert.Equal("UserAssigned", site.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal("UserAssignedIdentity", site.GetProperty("properties").GetProperty("functionAppConfig").GetProperty("deployment")
            .GetProperty("storage").GetProperty("authentication").GetProperty("type").GetString());
        Assert.Equal("[parameters('identityId')]", site.GetProperty("properties").GetProperty("keyVaultReferenceIdentity").GetString());
    }

    [Theory]
    [InlineData("storage", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b")] // Storage Blob Data Owner (host leases, deployment container)
    [InlineData("storage", "974c5e8b-45b9-4653-ba55-5f855dd0fb88")] // Storage Queue Data Contributor
    [InlineData("storage", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3")] // Storage Table Data Contributor (the app's tables)
    [InlineData("serviceBus", "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39")] // Azure Service Bus Data Sender
    [InlineData("serviceBus", "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0")] // Azure Service Bus Data Receiver
    [InlineData("serviceBus", "090c5cfd-751d-490a-894a-3ce6f1109419")] // Azure Service Bus Data Owner (runtime properties: the backlog)
    [InlineData("keyVault", "4633458b-17de-408a-b874-0445c86b69e6")] // Key Vault Secrets User
    public void The_app_identity_holds_each_data_role_it_needs(string module, string roleDefinitionId)
    {
        var template = Module(module).GetProperty("properties").GetProperty("template");
        Assert.Contains(roleDefinitionId, template.GetProperty("variables").GetRawText());
        Assert.Contains(template.GetProperty("resources").EnumerateArray(), r =>
            r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments"
            && r.GetProperty("properties").GetProperty("principalId").GetString() == "[parameters('appPrincipalId')]");
        Assert.Equal("[reference(resourceId('Microsoft.Resources/deployments', 'identity'), '2025-04-01').outputs.principalId.value]",
            ModuleParameter(module, "appPrincipalId"));
    }

    [Fact]
    public void Secrets_come_from_key_vault_references_and_never_pass_through_the_template()
    {
        var referenced = Variable("secretSettings").EnumerateArray().Select(s => s.GetProperty("setting").GetString()!).ToHashSet();
        Assert.Equal(SecretSettings.Order(), referenced.Order());
        var copy = Variable("copy").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "keyVaultSettings");
        Assert.StartsWith("[format('@Microsoft.KeyVault(VaultName={0};SecretName={1})'", copy.GetProperty("input").GetProperty("value").GetString());
        Assert.Contains("variables('keyVaultSettings')", AppSettingsExpression);
        Assert.True(Resource("keyVault", "Microsoft.KeyVault/vaults").GetProperty("properties").GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.DoesNotContain(SecretSettings, AppSettingNames().Contains); // never also a plain setting

        foreach (var template in new[] { Template.Value }.Concat(Template.Value.GetProperty("resources").EnumerateArray()
                     .Select(r => r.GetProperty("properties").GetProperty("template"))))
        {
            foreach (var parameter in template.GetProperty("parameters").EnumerateObject())
            {
                Assert.DoesNotMatch("(?i)token|secret|password|apikey", parameter.Name);
                Assert.False(parameter.Value.GetProperty("type").GetString()!.StartsWith("secure", StringComparison.OrdinalIgnoreCase)
                    && parameter.Value.TryGetProperty("defaultValue", out _), $"{parameter.Name} has a default");
            }
            if (!template.TryGetProperty("outputs", out var outputs)) continue;
            Assert.All(outputs.EnumerateObject(), output =>
                Assert.DoesNotMatch("(?i)^secure", output.Value.GetProperty("type").GetString()!));
        }
        Assert.DoesNotContain("Microsoft.KeyVault/vaults/secrets", Template.Value.GetRawText()); // no secret value in a deployment
    }
}
