using System.Diagnostics;
using Pipeline.Functions.Storage;

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

    public async Task<InvocationResult> RunAsync(IFunction function, Invocation invocation, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (function.Definition.WaitsForStorage) await storage.Ready.WaitAsync(StorageWait, cancellationToken);
            if (claimCheck is not null) invocation = await claimCheck.ResolveAsync(invocation, cancellationToken);
            var result = await function.InvokeAsync(invocation, cancellationToken);
            if (claimCheck is not null) await claimCheck.CheckInAsync(result, cancellationToken);
            logger.LogDebug("{Function} done in {Elapsed} ms", function.Definition.Name,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Failures are expected (a destination is down) and retried, so one line each; the stack only at Debug.
            logger.LogWarning("{Function} failed (delivery {DeliveryCount}, message {MessageId}): {Error}",
                function.Definition.Name, invocation.DeliveryCount, invocation.MessageId, $"{ex.GetType().Name}: {ex.Message}");
            logger.LogDebug(ex, "{Function} failure detail", function.Definition.Name);
            throw;
        }
    }
}
