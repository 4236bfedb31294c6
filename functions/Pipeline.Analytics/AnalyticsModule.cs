namespace Pipeline.Functions.Analytics;

public static class AnalyticsModule
{
    /// <summary>The Data Analytics Service (seed 002): create and search endpoints and the search index.</summary>
    public static IServiceCollection AddAnalytics(this IServiceCollection services)
    {
        services.AddSingleton<AnalyticsIndex>();
        services.AddTable(AnalyticsIndex.TableName);
        services.AddProjection(IndexAnalyticsEventsFunction.Subscription)
            .AddSubscription<AnalyticsEventRecorded, AnalyticsSearchProjection>();
        services.AddFunctionsOf(typeof(AnalyticsModule).Assembly);
        services.AddApiDescription<AnalyticsApiDescription>();
        return services;
    }
}
