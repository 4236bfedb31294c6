namespace Pipeline.Functions.Hosting;

public static class FunctionRegistration
{
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
