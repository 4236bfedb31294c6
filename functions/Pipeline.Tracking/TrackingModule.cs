namespace Pipeline.Functions.Tracking;

public static class TrackingModule
{
    /// <summary>Footprints tracking (seed 001): web and mobile endpoints; identified visitors go on to iAdvize.</summary>
    public static IServiceCollection AddTracking(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<TrackingOptions>(configuration.GetSection(TrackingOptions.Section));
        services.AddSingleton<IStartupReport, TrackingStartupReport>();
        services.AddSingleton<TrackingIds>();
        services.AddTable(TrackingIds.TableName);
        services.AddFunctionsOf(typeof(TrackingModule).Assembly);
        services.AddApiDescription<TrackingApiDescription>();
        return services;
    }
}
