namespace Pipeline.Functions.Hosting;

public static class FunctionRegistration
{
    /// <summary>Adds one function to the app; both hosts and the generated function.json find it through the catalog.</summary>
    public static IServiceCollection AddFunction<TFunction>(this IServiceCollection services) where TFunction : class, IFunction =>
        services.AddSingleton<IFunction, TFunction>();

    /// <summary>
    /// Adds a class whose <c>[Function]</c> methods are functions, written on the worker's types; the hosting finds
    /// the methods once at start-up. The class is one instance for the app's lifetime, like the functions before it.
    /// </summary>
    public static IServiceCollection AddFunctions<TFunctions>(this IServiceCollection services) where TFunctions : class
    {
        services.AddSingleton<TFunctions>();
        return services.AddSingleton(new FunctionClass(typeof(TFunctions)));
    }
}

/// <summary>A class registered with <see cref="FunctionRegistration.AddFunctions{TFunctions}"/>.</summary>
public sealed record FunctionClass(Type Type);
