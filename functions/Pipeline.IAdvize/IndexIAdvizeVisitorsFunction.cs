namespace Pipeline.Functions.IAdvize;

/// <summary>The <c>visitor-index</c> subscription: the visitors the connector's panel finds, kept from tracking and analytics events.</summary>
public sealed class IndexIAdvizeVisitorsFunction(EventSubscriptions subscriptions)
{
    public const string Subscription = "visitor-index";

    [Function("IndexIAdvizeVisitors")]
    public Task Run([ServiceBusTrigger(EventSubscription.Topic, Subscription)] string message, FunctionContext context) =>
        subscriptions.HandleAsync(Subscription, message, context);
}
