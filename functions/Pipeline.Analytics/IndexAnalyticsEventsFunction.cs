namespace Pipeline.Functions.Analytics;

/// <summary>The <c>analytics-index</c> subscription: each recorded analytics event, indexed for the search endpoints.</summary>
public sealed class IndexAnalyticsEventsFunction(EventSubscriptions subscriptions)
{
    public const string Subscription = "analytics-index";

    [Function("IndexAnalyticsEvents")]
    public Task Run([ServiceBusTrigger(EventSubscription.Topic, Subscription)] string message, FunctionContext context) =>
        subscriptions.HandleAsync(Subscription, message, context);
}
