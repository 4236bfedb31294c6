using Pipeline.Functions.Hosting;
using Pipeline.Functions.Pipeline;
using Pipeline.Functions.Storage;

namespace Pipeline.Functions.Analytics;

public static class AnalyticsModule
{
    /// <summary>The Data Analytics Service (seed 002): create and search endpoints and the search index.</summary>
    public static IServiceCollection AddAnalytics(this IServiceCollection services)
    {
        services.AddSingleton<AnalyticsIndex>();
        services.AddTable(AnalyticsIndex.TableName);
        services.AddProjection("analytics-index", "IndexAnalyticsEvents")
            .AddSubscription<AnalyticsEventRecorded, AnalyticsSearchProjection>();
        services.AddFunction<CreateAnalyticsEventsFunction>();
        services.AddFunction<CreateLeadAnalyticsFunction>();
        services.AddFunction<CreateContactAnalyticsFunction>();
        services.AddFunction<SearchLeadAnalyticsFunction>();
        services.AddFunction<SearchContactAnalyticsFunction>();
        services.AddApiDescription<AnalyticsApiDescription>();
        return services;
    }
}
