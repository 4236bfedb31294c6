namespace Pipeline.Functions.Reportei;

/// <summary>The <c>metrics-rollups</c> subscription: every event the metrics count, added to its day's rollups.</summary>
public sealed class RollUpMetricsFunction(EventSubscriptions subscriptions)
{
    public const string Subscription = "metrics-rollups";

    [Function("RollUpMetrics")]
    public Task Run([ServiceBusTrigger(EventSubscription.Topic, Subscription)] string message, FunctionContext context) =>
        subscriptions.HandleAsync(Subscription, message, context);
}
