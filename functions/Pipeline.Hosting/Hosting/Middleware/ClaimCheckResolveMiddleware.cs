using Microsoft.Azure.Functions.Worker.Middleware;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// A message the claim check replaced by a reference to a blob is downloaded before the function binds it, so that
/// functions never see references. Outputs are checked in by the dispatcher, once the function has run.
/// </summary>
public sealed class ClaimCheckResolveMiddleware(MessageClaimCheck claimCheck) : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next) =>
        context.GetInvocation().Invocation.Message is null ? next(context) : ResolveThenRunAsync(context, next);

    private async Task ResolveThenRunAsync(FunctionContext context, FunctionExecutionDelegate next)
    {
        var invocation = context.GetInvocation();
        invocation.Invocation = await claimCheck.ResolveAsync(invocation.Invocation, context.CancellationToken);
        await next(context);
    }
}
