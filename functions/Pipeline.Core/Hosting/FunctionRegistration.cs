namespace Pipeline.Functions.Hosting;

public static class FunctionRegistration
{
    /// <summary>Adds one function to the app; both hosts and the generated function.json find it through the catalog.</summary>
    public static IServiceCollection AddFunction<TFunction>(this IServiceCollection services) where TFunction : class, IFunction =>
        services.AddSingleton<IFunction, TFunction>();
}
