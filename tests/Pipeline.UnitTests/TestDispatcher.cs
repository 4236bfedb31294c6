using Microsoft.Extensions.Options;
using Moq;
using Pipeline.Functions.Hosting.Worker;

namespace Pipeline.UnitTests;

/// <summary>
/// The dispatcher as the app composes it, its middleware included, over the parts a test gives. Its functions are
/// the [Function] classes the test registers (<c>services.AddFunctions&lt;T&gt;()</c> in <c>configure</c>), found as
/// the app finds its own.
/// </summary>
internal static class TestDispatcher
{
    public static ServiceProvider Services(IMessagePublisher publisher, RetryOptions? retry = null,
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
            .AddSingleton(sp => new FunctionCatalog(WorkerFunction.Of(sp.GetServices<FunctionClass>(), sp)))
            .AddFunctionPipeline();
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public static FunctionDispatcher Create(IMessagePublisher publisher, RetryOptions? retry = null,
        StorageReadiness? readiness = null, TimeProvider? clock = null, Action<IServiceCollection>? configure = null) =>
        Services(publisher, retry, readiness, clock, configure).GetRequiredService<FunctionDispatcher>();

    /// <summary>Runs the catalog's function of the invocation's name, as both hosts do.</summary>
    public static Task<FunctionResult> RunAsync(this FunctionDispatcher dispatcher, Invocation invocation) =>
        dispatcher.RunAsync(dispatcher.Catalog.Find(invocation.FunctionName)
                            ?? throw new InvalidOperationException($"no function {invocation.FunctionName}"),
            invocation, CancellationToken.None);

    private static StorageReadiness Ready()
    {
        var readiness = new StorageReadiness();
        readiness.MarkReady();
        return readiness;
    }
}
