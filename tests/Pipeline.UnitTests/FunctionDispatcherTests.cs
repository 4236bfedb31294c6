using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Storage;

namespace Pipeline.UnitTests;

public sealed class FunctionDispatcherTests
{
    private static Mock<IFunction> Function(string name)
    {
        var function = new Mock<IFunction>();
        function.SetupGet(f => f.Definition).Returns(FunctionDefinition.Queue(name, "q"));
        return function;
    }

    [Fact]
    public async Task A_failing_function_fails_the_invocation_so_the_message_is_redelivered()
    {
        var function = Function("Boom");
        function.Setup(f => f.InvokeAsync(It.IsAny<Invocation>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("downstream is down"));
        var dispatcher = new FunctionDispatcher(new FunctionCatalog([function.Object]), Ready(), NullLogger<FunctionDispatcher>.Instance);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            dispatcher.RunAsync(function.Object, new Invocation { FunctionName = "Boom", Message = "{}" }, CancellationToken.None));
        Assert.Equal("downstream is down", error.Message);
    }

    [Fact]
    public async Task The_invocation_reaches_the_function_unchanged()
    {
        var function = Function("Echo");
        Invocation? seen = null;
        function.Setup(f => f.InvokeAsync(It.IsAny<Invocation>(), It.IsAny<CancellationToken>()))
            .Callback<Invocation, CancellationToken>((i, _) => seen = i)
            .ReturnsAsync(InvocationResult.Done());
        var dispatcher = new FunctionDispatcher(new FunctionCatalog([function.Object]), Ready(), NullLogger<FunctionDispatcher>.Instance);
        var invocation = new Invocation { FunctionName = "Echo", Message = "{\"a\":1}", DeliveryCount = 4 };

        await dispatcher.RunAsync(function.Object, invocation, CancellationToken.None);

        Assert.Same(invocation, seen);
    }

    private static StorageReadiness Ready()
    {
        var readiness = new StorageReadiness();
        readiness.MarkReady();
        return readiness;
    }

    [Fact]
    public async Task An_invocation_waits_for_storage_unless_its_function_says_otherwise()
    {
        var function = Function("Waits");
        function.Setup(f => f.InvokeAsync(It.IsAny<Invocation>(), It.IsAny<CancellationToken>())).ReturnsAsync(InvocationResult.Done());
        var readiness = new StorageReadiness();
        var dispatcher = new FunctionDispatcher(new FunctionCatalog([function.Object]), readiness, NullLogger<FunctionDispatcher>.Instance);

        var running = dispatcher.RunAsync(function.Object, new Invocation { FunctionName = "Waits" }, CancellationToken.None);
        await Task.Delay(100);
        Assert.False(running.IsCompleted);
        function.Verify(f => f.InvokeAsync(It.IsAny<Invocation>(), It.IsAny<CancellationToken>()), Times.Never);

        readiness.MarkReady();
        await running;
        function.Verify(f => f.InvokeAsync(It.IsAny<Invocation>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public void Two_functions_with_one_name_are_refused()
    {
        Assert.Throws<InvalidOperationException>(() => new FunctionCatalog([Function("Same").Object, Function("same").Object]));
    }
}
