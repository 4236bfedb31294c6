namespace Pipeline.Functions.Delivery;

public static class DeliveryModule
{
    /// <summary>The delivery engine every destination's forwarder runs through.</summary>
    public static IServiceCollection AddDeliveryEngine(this IServiceCollection services)
    {
        services.AddSingleton<DeliveryRecords>();
        services.AddSingleton<DeliveryEngine>();
        return services;
    }
}
