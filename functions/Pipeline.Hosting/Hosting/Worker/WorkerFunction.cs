using System.Reflection;

namespace Pipeline.Functions.Hosting.Worker;

/// <summary>
/// One <c>[Function]</c> method, run as an <see cref="IFunction"/>: the catalog, the function.json writer, the
/// dispatcher (its middleware, outputs, retry model) and both hosts take it as they take every function. Everything is
/// decided once, when the app starts (the definition from the attributes, how each parameter is bound, how the
/// result becomes an <see cref="FunctionResult"/>); an invocation only runs the delegates made then. The call of
/// the method itself is compiled on the first invocation, so that compiling dozens of them does not delay start-up.
/// </summary>
internal sealed class WorkerFunction : IFunction
{
    private readonly object? _target;
    private readonly IServiceProvider _services;
    private readonly WorkerFunctionDefinition _workerDefinition;
    private readonly Func<InvocationFunctionContext, object?>[] _arguments;
    private readonly MethodInfo _method;
    private Func<object?, object?[], object?>? _invoke;
    private readonly Func<object?, ValueTask<object?>> _awaitResult;
    private readonly Func<object?, FunctionResult> _toResult;

    private WorkerFunction(MethodInfo method, object? target, IServiceProvider services)
    {
        _target = target;
        _services = services;
        var declaration = WorkerFunctionDeclaration.Read(method);
        Definition = declaration.Definition;
        _workerDefinition = new WorkerFunctionDefinition(method, Definition.Name, declaration.Bindings);
        _arguments = method.GetParameters().Select(p => WorkerParameterBinding.For(p, Definition.Trigger)).ToArray();
        _method = method;
        var (awaitResult, resultType) = WorkerMethodInvoker.Awaiter(method.ReturnType);
        _awaitResult = awaitResult;
        _toResult = WorkerResultBinding.For(resultType, declaration);
        // Resolved now, so that a check nobody registered stops the start rather than a caller.
        CallerCheck = (method.GetCustomAttributes().OfType<ICheckCallerAttribute>().SingleOrDefault()
                ?? method.DeclaringType!.GetCustomAttributes().OfType<ICheckCallerAttribute>().SingleOrDefault()) is { } checkedBy
            ? (ICallerCheck)services.GetRequiredService(checkedBy.Check)
            : null;
    }

    /// <summary>Who may call the function (its <see cref="CheckCallerAttribute{TCheck}"/>); null when anyone may.</summary>
    public ICallerCheck? CallerCheck { get; }

    public FunctionBindings Definition { get; }

    /// <summary>The worker's description of the method, for the contexts the dispatcher makes.</summary>
    public WorkerFunctionDefinition WorkerDefinition => _workerDefinition;

    /// <summary>The functions of the registered classes: one per <c>[Function]</c> method, on the class's one instance.</summary>
    public static IEnumerable<WorkerFunction> Of(IEnumerable<FunctionClass> classes, IServiceProvider services) =>
        classes.SelectMany(c => c.Type
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m.IsDefined(typeof(FunctionAttribute)))
            .Select(m => new WorkerFunction(m, m.IsStatic ? null : services.GetRequiredService(c.Type), services)));

    /// <summary>
    /// The method alone, without the middleware (which the dispatcher runs around <see cref="RunAsync"/>): its
    /// parameters bound and its result read, as the bridge's own tests check them.
    /// </summary>
    public Task<FunctionResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        RunAsync(new InvocationFunctionContext(_workerDefinition, new InvocationFeature(this, invocation), _services, cancellationToken));

    /// <summary>The method with its parameters bound from the context's invocation, and its result read.</summary>
    public async Task<FunctionResult> RunAsync(InvocationFunctionContext context)
    {
        var arguments = new object?[_arguments.Length];
        for (var i = 0; i < arguments.Length; i++) arguments[i] = _arguments[i](context);
        // Compiled once; two first invocations at once may both compile, and either delegate is the same call.
        var invoke = _invoke ??= WorkerMethodInvoker.Compile(_method);
        var returned = await _awaitResult(invoke(_target, arguments));
        var result = _toResult(returned);
        foreach (var line in context.Logs) result.Log(line);
        return result;
    }
}
