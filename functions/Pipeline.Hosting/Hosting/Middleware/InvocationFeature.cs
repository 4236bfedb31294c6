namespace Pipeline.Functions.Hosting;

/// <summary>
/// What the middleware share about one invocation, carried as a feature of its <see cref="FunctionContext"/>: the
/// function, the invocation as a host delivered it, and the function's result once it ran. A middleware may replace
/// the invocation before the function runs (the claim check does); the function's parameters are bound from it then.
/// </summary>
public sealed class InvocationFeature(IFunction function, Invocation invocation)
{
    public IFunction Function { get; } = function;

    public FunctionBindings Bindings => Function.Definition;

    public Invocation Invocation { get; set; } = invocation;

    /// <summary>Set by the last step (the function) or by a middleware that answers in its place.</summary>
    public FunctionResult? Result { get; set; }

    /// <summary>What the host does with the result before the invocation counts as done (the local host logs it).</summary>
    public Func<FunctionResult, Task>? Completing { get; init; }
}

public static class InvocationFeatureExtensions
{
    /// <summary>The invocation the context runs; every context the hosts make carries one.</summary>
    public static InvocationFeature GetInvocation(this FunctionContext context) =>
        context.Features.Get<InvocationFeature>()
        ?? throw new InvalidOperationException($"{context.FunctionDefinition.Name}: the context carries no invocation.");
}
