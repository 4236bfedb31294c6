using Pipeline.Functions.Delivery;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.IAdvize;

/// <summary>The <c>iadvize</c> queue's forwarder: each event through the delivery engine to iAdvize.</summary>
public sealed class ForwardToIAdvizeFunction(DeliveryEngine engine, IAdvizeDestination iadvize) : IFunction
{
    public FunctionDefinition Definition { get; } = FunctionDefinition.Queue("ForwardToIAdvize", QueueNames.IAdvize);

    public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        engine.DeliverAsync(iadvize, EventEnvelope.Parse(invocation.Message!), cancellationToken);
}
