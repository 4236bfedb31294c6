namespace Pipeline.Functions.IAdvize;

/// <summary>The <c>iadvize</c> subscription: each identified visitor's session start, synced to iAdvize.</summary>
public sealed class ForwardToIAdvizeFunction(EventSubscriptions subscriptions)
{
    [Function("ForwardToIAdvize")]
    public Task Run([ServiceBusTrigger(EventSubscription.Topic, IAdvizeDestination.DestinationName)] string message,
        FunctionContext context) =>
        subscriptions.HandleAsync(IAdvizeDestination.DestinationName, message, context);
}
