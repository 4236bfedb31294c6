using Pipeline.Functions.Delivery;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Intercom;

/// <summary>The <c>intercom</c> queue's forwarder: each event through the delivery engine to Intercom.</summary>
public sealed class ForwardToIntercomFunction(DeliveryEngine engine, IntercomDestination intercom) : IFunction
{
    public FunctionDefinition Definition { get; } = FunctionDefinition.Queue("ForwardToIntercom", QueueNames.Intercom);

    public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        engine.DeliverAsync(intercom, EventEnvelope.Parse(invocation.Message!), cancellationToken);
}
