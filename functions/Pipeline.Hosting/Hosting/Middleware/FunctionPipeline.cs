using Microsoft.Azure.Functions.Worker.Middleware;
using Pipeline.Functions.Hosting.Worker;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// The middleware every invocation of either host runs through, built as the isolated worker builds its own:
/// <see cref="IFunctionsWorkerMiddleware"/> classes registered in order with the worker's <c>UseMiddleware</c> on an
/// <see cref="IFunctionsWorkerApplicationBuilder"/>, made once into one delegate whose last step is the function.
/// Parameters are bound in that last step, so a middleware that changes the invocation changes what the function gets.
/// </summary>
public sealed class FunctionPipeline(FunctionExecutionDelegate run, IServiceProvider services)
{
    /// <summary>The app's services, from which <c>UseMiddleware</c> resolves each middleware.</summary>
    public IServiceProvider Services => services;

    public Task RunAsync(FunctionContext context) => run(context);

    /// <summary>The last step: the function, its parameters bound from the invocation as the middleware left it.</summary>
    internal static async Task RunFunctionAsync(FunctionContext context)
    {
        var invocation = context.GetInvocation();
        if (invocation.Function is not WorkerFunction method || context is not InvocationFunctionContext bridged)
            throw new InvalidOperationException($"{context.FunctionDefinition.Name}: the last step runs a [Function] method " +
                                                "on the context the dispatcher made for it, which binds its parameters.");
        invocation.Result = await method.RunAsync(bridged);
    }
}

public static class FunctionPipelineRegistration
{
    /// <summary>The app's middleware, outermost first: the one place that says what runs around a function, and in which order.</summary>
    public static IFunctionsWorkerApplicationBuilder UseAppMiddleware(this IFunctionsWorkerApplicationBuilder worker) => worker
        // Outermost, so that the span below has marked a failure before the caller's answer hides it.
        .UseWhen<HttpExceptionAnswerMiddleware>(context => context.GetInvocation().Bindings.Trigger is HttpRoute)
        .UseMiddleware<InvocationSpanMiddleware>()
        // Before anything reads the request's body or waits on storage for it.
        .UseWhen<CallerCheckMiddleware>(context => context.GetInvocation().Bindings.Trigger is HttpRoute)
        .UseMiddleware<StorageWaitMiddleware>()
        // The dispatcher's own step: outputs sent through the publisher, and the retry model of queue functions.
        .UseMiddleware<FunctionDispatcher>()
        // Innermost, so that a failed download is retried like any storage failure and the function binds the original.
        .UseMiddleware<ClaimCheckResolveMiddleware>();

    /// <param name="configure">The middleware to use; the app's (<see cref="UseAppMiddleware"/>) when not given.</param>
    public static IServiceCollection AddFunctionPipeline(this IServiceCollection services,
        Action<IFunctionsWorkerApplicationBuilder>? configure = null)
    {
        var builder = new PipelineBuilder(services);
        if (configure is null) builder.UseAppMiddleware();
        else configure(builder);
        var run = builder.Build(FunctionPipeline.RunFunctionAsync);
        return services.AddSingleton(sp => new FunctionPipeline(run, sp));
    }

    private sealed class PipelineBuilder(IServiceCollection services) : IFunctionsWorkerApplicationBuilder
    {
        private readonly List<Func<FunctionExecutionDelegate, FunctionExecutionDelegate>> _middleware = [];

        public IServiceCollection Services => services;

        public IFunctionsWorkerApplicationBuilder Use(Func<FunctionExecutionDelegate, FunctionExecutionDelegate> middleware)
        {
            _middleware.Add(middleware);
            return this;
        }

        public FunctionExecutionDelegate Build(FunctionExecutionDelegate last)
        {
            var run = last;
            for (var i = _middleware.Count - 1; i >= 0; i--) run = _middleware[i](run);
            return run;
        }
    }
}
