using Microsoft.Azure.Functions.Worker.Middleware;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// An invocation that arrives while the tables and queues are still being created waits for them, at most
/// <see cref="MaxWait"/>, then fails as storage that does not answer. A function marked <c>[WithoutStorageWait]</c>
/// (health, which reports on storage) runs at once.
/// </summary>
public sealed class StorageWaitMiddleware(StorageReadiness storage) : IFunctionsWorkerMiddleware
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next) =>
        storage.Ready.IsCompletedSuccessfully || !context.GetInvocation().Bindings.WaitsForStorage
            ? next(context)
            : WaitThenRunAsync(context, next);

    private async Task WaitThenRunAsync(FunctionContext context, FunctionExecutionDelegate next)
    {
        await storage.Ready.WaitAsync(MaxWait, context.CancellationToken);
        await next(context);
    }
}
