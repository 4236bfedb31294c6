using Pipeline.Functions.Delivery;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Operations;

/// <summary>The <c>replays</c> queue: one page of a large replay per message, the next page sent on until the end.</summary>
public sealed class RunReplayPageFunction(Replayer replayer, IEnumerable<ReplayableDestination> destinations) : IFunction
{
    public FunctionBindings Definition { get; } =
        FunctionBindings.Queue("RunReplayPage", Replayer.QueueName, Replayer.Outputs(destinations));

    public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        replayer.RunPageAsync(ReplayPage.Parse(invocation.Message!), cancellationToken);
}
