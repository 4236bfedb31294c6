using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions;
using Pipeline.Functions.Hosting;

namespace Pipeline.UnitTests;

/// <summary>infra/main.bicep compiles, and provisions what the function declarations need.</summary>
public sealed class InfrastructureTemplateTests
{
    private static readonly Lazy<JsonElement> Template = new(Compile);

    private static readonly FunctionCatalog Catalog = PipelineApp.Build([], b => b.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }))
        .Services.GetRequiredService<FunctionCatalog>();

    private static JsonElement Compile()
    {
        var bicep = typeof(InfrastructureTemplateTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepPath").Value!.Replace('\\', '/');
        var start = new ProcessStartInfo(bicep)
        {
            ArgumentList = { "build", Path.Combine(RepositoryRoot.Find(), "infra", "main.bicep"), "--stdout" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"bicep build failed: {errors}");
        Assert.True(string.IsNullOrWhiteSpace(errors), $"bicep build warned: {errors}");
        return JsonDocument.Parse(output.Result).RootElement;
    }

    private static JsonElement Resource(string type) =>
        Template.Value.GetProperty("resources").EnumerateArray()
            .Single(r => r.GetProperty("type").GetString() == type);

    [Fact]
    public void Every_queue_a_function_reads_or_writes_is_provisioned_with_the_delivery_rules()
    {
        var declared = Catalog.WithTrigger<QueueTrigger>().Select(f => f.Trigger.QueueName)
            .Concat(Catalog.All.SelectMany(f => f.Definition.QueueOutputs).Select(o => o.QueueName))
            .ToHashSet();
        var provisioned = Template.Value.GetProperty("variables").GetProperty("queueNames").EnumerateArray().Select(q => q.GetString()!).ToHashSet();

        Assert.Equal(declared.Order(), provisioned.Order());
        var queue = Resource("Microsoft.ServiceBus/namespaces/queues").GetProperty("properties");
        Assert.Equal(10, queue.GetProperty("maxDeliveryCount").GetInt32());
        Assert.True(queue.GetProperty("requiresDuplicateDetection").GetBoolean());
    }

    [Fact]
    public void The_app_runs_as_a_custom_handler_with_the_settings_its_bindings_name()
    {
        var site = Resource("Microsoft.Web/sites").GetProperty("properties");
        var runtime = site.GetProperty("functionAppConfig").GetProperty("runtime");
        Assert.Equal("custom", runtime.GetProperty("name").GetString());

        var settings = site.GetProperty("siteConfig").GetProperty("appSettings").GetString()!; // a concat() expression
        var needed = new[] { "AzureWebJobsStorage", FunctionMetadataWriter.ServiceBusConnection, "Intercom__AccessToken", "Intercom__BaseUrl" }
            .Concat(Catalog.WithTrigger<TimerTrigger>().Select(f => f.Trigger.ScheduleSetting)); // %Setting% must exist
        Assert.All(needed, name => Assert.Contains($"'{name}'", settings));
    }
}
