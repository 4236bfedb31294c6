namespace Pipeline.Functions.GhostMonitor;

/// <summary>The <c>site-statistics</c> subscription: each site's latest statistics push, kept for the statistics sweep.</summary>
public sealed class KeepSiteStatisticsFunction(EventSubscriptions subscriptions)
{
    public const string Subscription = "site-statistics";

    [Function("KeepSiteStatistics")]
    public Task Run([ServiceBusTrigger(EventSubscription.Topic, Subscription)] string message, FunctionContext context) =>
        subscriptions.HandleAsync(Subscription, message, context);
}
