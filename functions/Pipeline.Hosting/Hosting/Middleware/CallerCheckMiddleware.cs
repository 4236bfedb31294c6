using Microsoft.Azure.Functions.Worker.Middleware;
using Pipeline.Functions.Hosting.Worker;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// Refuses the callers of an HTTP function that its <see cref="CheckCallerAttribute{TCheck}"/> check does not let
/// through (the admin key, Reportei's bearer token, iAdvize's connector token): their answer is the check's, and the
/// function, its body and its outputs are never touched.
/// </summary>
public sealed class CallerCheckMiddleware : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context is InvocationFunctionContext { HttpRequest: { } request }
            && context.GetInvocation().Function is WorkerFunction { CallerCheck: { } check }
            && check.Check(request) is { } refused)
        {
            context.GetInvocation().Result = WorkerResultBinding.Answer(refused);
            return Task.CompletedTask;
        }
        return next(context);
    }
}
