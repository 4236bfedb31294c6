namespace Pipeline.Functions.Hosting;

/// <summary>One function of the app. Implementations hold the function's rules; the hosts only carry invocations.</summary>
public interface IFunction
{
    FunctionBindings Definition { get; }

    /// <summary>
    /// Runs one invocation. Throwing fails the invocation: a queue message is then redelivered and, after the
    /// queue's max delivery count, dead-lettered. HTTP functions answer callers' mistakes with a 4xx result instead.
    /// </summary>
    Task<FunctionResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken);
}
