using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Pipeline.Functions.Hosting;

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
        var dispatcher = new FunctionDispatcher(new FunctionCatalog([function.Object]), NullLogger<FunctionDispatcher>.Instance);

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
        var dispatcher = new FunctionDispatcher(new FunctionCatalog([function.Object]), NullLogger<FunctionDispatcher>.Instance);
        var invocation = new Invocation { FunctionName = "Echo", Message = "{\"a\":1}", DeliveryCount = 4 };

        await dispatcher.RunAsync(function.Object, invocation, CancellationToken.None);

        Assert.Same(invocation, seen);
    }

    [Fact]
    public void Two_functions_with_one_name_are_refused()
    {
        Assert.Throws<InvalidOperationException>(() => new FunctionCatalog([Function("Same").Object, Function("same").Object]));
    }
}
