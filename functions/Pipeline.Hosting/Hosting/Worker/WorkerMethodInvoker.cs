using System.Linq.Expressions;
using System.Reflection;

namespace Pipeline.Functions.Hosting.Worker;

/// <summary>Compiled calls of a <c>[Function]</c> method and of waiting for what it returns: no reflection per invocation.</summary>
internal static class WorkerMethodInvoker
{
    /// <summary><c>(target, arguments) =&gt; target.Method((T0)arguments[0], …)</c>, boxed to object (null for void).</summary>
    public static Func<object?, object?[], object?> Compile(MethodInfo method)
    {
        var target = Expression.Parameter(typeof(object), "target");
        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        var call = Expression.Call(
            method.IsStatic ? null : Expression.Convert(target, method.DeclaringType!),
            method,
            method.GetParameters().Select((p, i) =>
                Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType)));
        Expression body = method.ReturnType == typeof(void)
            ? Expression.Block(call, Expression.Constant(null, typeof(object)))
            : Expression.Convert(call, typeof(object));
        return Expression.Lambda<Func<object?, object?[], object?>>(body, target, arguments).Compile();
    }

    /// <summary>What a method returning <paramref name="returnType"/> gives once awaited; null when nothing.</summary>
    public static Type? ResultType(Type returnType)
    {
        if (returnType == typeof(void) || returnType == typeof(Task) || returnType == typeof(ValueTask)) return null;
        if (returnType.IsGenericType)
        {
            var definition = returnType.GetGenericTypeDefinition();
            if (definition == typeof(Task<>) || definition == typeof(ValueTask<>)) return returnType.GetGenericArguments()[0];
        }
        return returnType;
    }

    /// <summary>How to wait for a returned value, chosen once for the method's return type.</summary>
    public static (Func<object?, ValueTask<object?>> Await, Type? ResultType) Awaiter(Type returnType)
    {
        var resultType = ResultType(returnType);
        if (returnType == typeof(Task)) return (AwaitTask, null);
        if (returnType == typeof(ValueTask)) return (AwaitValueTask, null);
        if (resultType is null || resultType == returnType) return (Returned, resultType);
        var name = returnType.GetGenericTypeDefinition() == typeof(Task<>) ? nameof(AwaitTaskOf) : nameof(AwaitValueTaskOf);
        var awaiter = typeof(WorkerMethodInvoker).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(resultType)
            .CreateDelegate<Func<object?, ValueTask<object?>>>();
        return (awaiter, resultType);
    }

    private static ValueTask<object?> Returned(object? value) => ValueTask.FromResult(value);

    private static async ValueTask<object?> AwaitTask(object? task)
    {
        await (Task)task!;
        return null;
    }

    private static async ValueTask<object?> AwaitValueTask(object? task)
    {
        await (ValueTask)task!;
        return null;
    }

    private static ValueTask<object?> AwaitTaskOf<T>(object? task)
    {
        var typed = (Task<T>)task!;
        return typed.IsCompletedSuccessfully ? ValueTask.FromResult<object?>(typed.Result) : Slow(typed);

        static async ValueTask<object?> Slow(Task<T> pending) => await pending;
    }

    private static async ValueTask<object?> AwaitValueTaskOf<T>(object? task) => await (ValueTask<T>)task!;
}
