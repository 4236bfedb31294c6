namespace Pipeline.Functions.Intercom;

/// <summary>The <c>intercom</c> subscription: each event the module subscribed to (<c>AddDestination</c>), delivered to Intercom.</summary>
public sealed class ForwardToIntercomFunction(EventSubscriptions subscriptions)
{
    [Function("ForwardToIntercom")]
    public Task Run([ServiceBusTrigger(EventSubscription.Topic, IntercomDestination.DestinationName)] string message,
        FunctionContext context) =>
        subscriptions.HandleAsync(IntercomDestination.DestinationName, message, context);
}
