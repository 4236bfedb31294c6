using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Messaging;
using Pipeline.Functions.Storage;

namespace Pipeline.UnitTests;

/// <summary>The dispatcher as the app composes it, its middleware included, over the parts a test gives.</summary>
internal static class TestDispatcher
{
    public static ServiceProvider Services(IEnumerable<IFunction> functions, IMessagePublisher publisher, RetryOptions? retry = null,
        StorageReadiness? readiness = null, TimeProvider? clock = null, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            // Storage is named, never reached: the claim check reads blobs only for a reference.
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(
                new Dictionary<string, string?> { [StorageAccount.ConnectionSetting] = "UseDevelopmentStorage=true" }).Build())
            .AddSingleton<StorageAccount>()
            .AddSingleton<MessageClaimCheck>()
            .AddSingleton(publisher)
            .AddSingleton(new RetryPolicies(new Mock<IServiceProvider>().Object, Options.Create(retry ?? new RetryOptions()), []))
            .AddSingleton(clock ?? TimeProvider.System)
            .AddSingleton(readiness ?? Ready())
            .AddSingleton(new FunctionCatalog(functions))
            .AddFunctionPipeline();
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public static FunctionDispatcher Create(IEnumerable<IFunction> functions, IMessagePublisher publisher, RetryOptions? retry = null,
        StorageReadiness? readiness = null, TimeProvider? clock = null, Action<IServiceCollection>? configure = null) =>
        Services(functions, publisher, retry, readiness, clock, configure).GetRequiredService<FunctionDispatcher>();

    private static StorageReadiness Ready()
    {
        var readiness = new StorageReadiness();
        readiness.MarkReady();
        return readiness;
    }
}
