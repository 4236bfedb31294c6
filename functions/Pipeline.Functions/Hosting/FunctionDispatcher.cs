using System.Diagnostics;
using Pipeline.Functions.Storage;
using Pipeline.Functions.Telemetry;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// Runs a function for either host. The custom-handler endpoint reaches it after decoding the host's JSON
/// payload; the local host reaches it directly. Rules stay in the functions; this only runs and times them.
/// Messages too large for a queue are claim-checked here, for both hosts (<see cref="MessageClaimCheck"/>).
/// </summary>
public sealed class FunctionDispatcher(FunctionCatalog catalog, StorageReadiness storage, ILogger<FunctionDispatcher> logger,
    MessageClaimCheck? claimCheck = null)
{
    /// <summary>An invocation that arrives while the tables are still being created waits this long, then fails.</summary>
    public static readonly TimeSpan StorageWait = TimeSpan.FromSeconds(10);

    public FunctionCatalog Catalog => catalog;

    /// <param name="complete">
    /// What the host does with the result before the invocation counts as done (the local host writes the queue
    /// outputs), run inside the invocation's span and log scope.
    /// </param>
    public async Task<InvocationResult> RunAsync(IFunction function, Invocation invocation, CancellationToken cancellationToken,
        Func<InvocationResult, Task>? complete = null)
    {
        var started = Stopwatch.GetTimestamp();
        var envelope = EnvelopeFields.Read(invocation.Message);
        using var activity = PipelineTelemetry.StartInvocation(function.Definition, invocation, envelope);
        using var scope = envelope.Id is null ? null : logger.BeginScope(new KeyValuePair<string, object?>[]
        {
            new("pipeline.event.id", envelope.Id),
            new("pipeline.event.type", envelope.Type),
            new("faas.name", function.Definition.Name),
        });
        try
        {
            if (function.Definition.WaitsForStorage) await storage.Ready.WaitAsync(StorageWait, cancellationToken);
            if (claimCheck is not null) invocation = await claimCheck.ResolveAsync(invocation, cancellationToken);
            var result = await function.InvokeAsync(invocation, cancellationToken);
            if (claimCheck is not null) await claimCheck.CheckInAsync(result, cancellationToken);
            if (complete is not null) await complete(result);
            CountAccepted(function.Definition, result);
            logger.LogDebug("{Function} done in {Elapsed} ms", function.Definition.Name,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The type only: an exception's message may quote what a destination answered.
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity?.SetTag("error.type", ex.GetType().FullName);
            // Failures are expected (a destination is down) and retried, so one line each; the stack only at Debug.
            logger.LogWarning("{Function} failed (delivery {DeliveryCount}, message {MessageId}): {Error}",
                function.Definition.Name, invocation.DeliveryCount, invocation.MessageId, $"{ex.GetType().Name}: {ex.Message}");
            logger.LogDebug(ex, "{Function} failure detail", function.Definition.Name);
            throw;
        }
    }

    /// <summary>Events an HTTP function put on the <c>events</c> queue are the accepted ones, whichever function took them.</summary>
    private static void CountAccepted(FunctionDefinition definition, InvocationResult result)
    {
        if (definition.Trigger is not HttpTrigger) return;
        foreach (var output in definition.QueueOutputs)
        {
            if (output.QueueName != QueueNames.Events || !result.Messages.TryGetValue(output.BindingName, out var messages)) continue;
            foreach (var message in messages)
            {
                if (message.ValueKind == System.Text.Json.JsonValueKind.Object && message.TryGetProperty("type", out var type)
                    && type.ValueKind == System.Text.Json.JsonValueKind.String)
                    PipelineTelemetry.RecordAccepted(type.GetString()!);
            }
        }
    }
}
