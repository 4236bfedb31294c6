using System.Reflection;

namespace Pipeline.Functions.Hosting;

public static class FunctionRegistration
{
    /// <summary>
    /// Adds every class of <paramref name="assembly"/> that has a <c>[Function]</c> method, as the worker's build finds
    /// the functions of a worker project: a module names its assembly once, and a new function is a new class, with no
    /// list to keep. Each class is one instance for the app's lifetime.
    /// </summary>
    public static IServiceCollection AddFunctionsOf(this IServiceCollection services, Assembly assembly)
    {
        foreach (var type in assembly.GetExportedTypes())
        {
            if (type is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }
                && type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Any(m => m.IsDefined(typeof(FunctionAttribute))))
                services.AddFunctions(type);
        }
        return services;
    }

    /// <summary>Adds one class whose <c>[Function]</c> methods are functions (a test's own, say).</summary>
    public static IServiceCollection AddFunctions<TFunctions>(this IServiceCollection services) where TFunctions : class =>
        services.AddFunctions(typeof(TFunctions));

    private static IServiceCollection AddFunctions(this IServiceCollection services, Type type)
    {
        services.AddSingleton(type);
        return services.AddSingleton(new FunctionClass(type));
    }
}

/// <summary>A class registered with <see cref="FunctionRegistration.AddFunctions{TFunctions}"/>.</summary>
public sealed record FunctionClass(Type Type);
