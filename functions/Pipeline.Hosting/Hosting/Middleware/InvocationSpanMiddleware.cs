using System.Diagnostics;
using Microsoft.Azure.Functions.Worker.Middleware;
using Pipeline.Functions.Messaging;
using Pipeline.Functions.Telemetry;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// The invocation's span and log scope (the event's id and type, read from the message as delivered), and the one
/// line that says it failed. A failure is marked by its type only: an exception's message may quote what a
/// destination answered.
/// </summary>
public sealed class InvocationSpanMiddleware(ILogger<InvocationSpanMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        var invocation = context.GetInvocation();
        var bindings = invocation.Bindings;
        var delivered = invocation.Invocation;
        var envelope = EnvelopeFields.Read(delivered.Message);
        using var activity = PipelineTelemetry.StartInvocation(bindings, delivered, envelope);
        using var scope = envelope.Id is null ? null : logger.BeginScope(new KeyValuePair<string, object?>[]
        {
            new("pipeline.event.id", envelope.Id),
            new("pipeline.event.type", envelope.Type),
            new("faas.name", bindings.Name),
        });
        try
        {
            await next(context);
            logger.LogDebug("{Function} done in {Elapsed} ms", bindings.Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (GaveUpException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, nameof(GaveUpException));
            // Said once, when the consumer gave up; each delivery until the dead-letter is only a detail.
            logger.LogDebug("{Function}: message {MessageId} is on its way to the dead-letter queue: {Reason}",
                bindings.Name, delivered.MessageId, ex.Message);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity?.SetTag("error.type", ex.GetType().FullName);
            logger.LogWarning("{Function} failed (delivery {DeliveryCount}, message {MessageId}): {Error}",
                bindings.Name, delivered.DeliveryCount, delivered.MessageId, $"{ex.GetType().Name}: {ex.Message}");
            logger.LogDebug(ex, "{Function} failure detail", bindings.Name);
            throw;
        }
    }
}
