using Microsoft.Azure.Functions.Worker.Middleware;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// An HTTP function's last line of defence: an exception it did not expect is logged here, with its detail, and the
/// caller gets a 500 that says nothing was accepted and nothing more (a message may quote a destination, a key or a
/// path). Storage that does not answer and a cancelled invocation go on to the host, which answers 503 or nothing.
/// </summary>
public sealed class HttpExceptionAnswerMiddleware(ILogger<HttpExceptionAnswerMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public const string AnswerBody = """{"code":"500","message":"internal error; nothing was accepted"}""";

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested && !StorageFailures.IsUnavailable(ex))
        {
            var invocation = context.GetInvocation();
            logger.LogError(ex, "{Function} failed", invocation.Bindings.Name);
            invocation.Result = FunctionResult.Http(new InvocationResponse(500, AnswerBody));
        }
    }
}
