namespace Pipeline.Functions.Hosting;

/// <summary>Who may call an HTTP function: a key or a token the request must carry.</summary>
public interface ICallerCheck
{
    /// <returns>null when the caller may go on; otherwise the answer to give (a 401 in the API's shape).</returns>
    HttpResponseData? Check(HttpRequestData request);
}

/// <summary>
/// The function runs only for callers <typeparamref name="TCheck"/> lets through; the others get its answer, from
/// the middleware, before the function or anything it binds runs.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class CheckCallerAttribute<TCheck> : Attribute, ICheckCallerAttribute where TCheck : ICallerCheck
{
    public Type Check => typeof(TCheck);
}

/// <summary>What the middleware reads of <see cref="CheckCallerAttribute{TCheck}"/>, whatever its check.</summary>
public interface ICheckCallerAttribute
{
    Type Check { get; }
}
