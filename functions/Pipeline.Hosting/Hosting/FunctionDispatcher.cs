using Microsoft.Azure.Functions.Worker.Middleware;
using Pipeline.Functions.Hosting.Worker;
using Pipeline.Functions.Messaging;
using Pipeline.Functions.Telemetry;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// Runs a function for either host. The custom-handler endpoint reaches it after decoding the host's JSON payload;
/// the local host reaches it directly. It runs the invocation through the <see cref="FunctionPipeline"/>, in which it
/// has a step of its own: it sends the function's output messages through the one publisher (so both hosts send
/// alike, with message ids and properties), claim-checks the ones too large for a queue, and applies the retry model
/// to queue-triggered functions: a failure worth retrying (<see cref="RetryLaterException"/>, storage not answering)
/// schedules the next attempt as a new message and completes this one, since Service Bus would redeliver a failed
/// invocation at once. Rules stay in the functions.
/// </summary>
public sealed class FunctionDispatcher(FunctionCatalog catalog, FunctionPipeline pipeline, ILogger<FunctionDispatcher> logger,
    IMessagePublisher publisher, RetryPolicies retryPolicies, TimeProvider clock, MessageClaimCheck? claimCheck = null)
    : IFunctionsWorkerMiddleware
{
    public FunctionCatalog Catalog => catalog;

    /// <param name="function">One of the catalog's functions: a <c>[Function]</c> method the bridge found.</param>
    /// <param name="complete">What the host does with the result before the invocation counts as done (the local host
    /// logs it), run inside the invocation's span and log scope.</param>
    public async Task<FunctionResult> RunAsync(IFunction function, Invocation invocation, CancellationToken cancellationToken,
        Func<FunctionResult, Task>? complete = null)
    {
        var method = function as WorkerFunction ?? throw new InvalidOperationException(
            $"{function.Definition.Name} is not a [Function] method: the hosts run only the functions found on the registered classes.");
        var feature = new InvocationFeature(method, invocation) { Completing = complete };
        await pipeline.RunAsync(new InvocationFunctionContext(method.WorkerDefinition, feature, pipeline.Services, cancellationToken));
        return feature.Result ?? FunctionResult.Done();
    }

    /// <summary>
    /// The dispatcher's step of the pipeline, inside the span and the storage wait: the rest of the pipeline (the
    /// function) under the retry model, then its outputs sent, then the host's completion.
    /// </summary>
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var invocation = context.GetInvocation();
        var result = invocation.Bindings.Trigger is MessageTrigger queue
            ? await RunMessageAsync(context, next, invocation, queue)
            : await RunOnceAsync(context, next, invocation);
        invocation.Result = result;
        if (invocation.Completing is { } complete) await complete(result);
        CountAccepted(invocation.Bindings, result);
    }

    /// <summary>The function once: its outputs checked in and sent.</summary>
    private async Task<FunctionResult> RunOnceAsync(FunctionContext context, FunctionExecutionDelegate next, InvocationFeature invocation)
    {
        await next(context);
        var result = invocation.Result ?? FunctionResult.Done();
        if (claimCheck is not null) await claimCheck.CheckInAsync(result, context.CancellationToken);
        foreach (var output in invocation.Bindings.QueueOutputs)
        {
            if (!result.Messages.TryGetValue(output.BindingName, out var messages) || messages.Count == 0) continue;
            await publisher.SendAsync(output.QueueName, messages.Select(m => OutgoingMessage.For(output, m)).ToList(), context.CancellationToken);
        }
        return result;
    }

    private async Task<FunctionResult> RunMessageAsync(FunctionContext context, FunctionExecutionDelegate next,
        InvocationFeature invocation, MessageTrigger queue)
    {
        var delivered = invocation.Invocation;
        // A consumer gave up on this message: fail every delivery until the broker dead-letters it, with the reason.
        if (delivered.Properties.TryGetValue(MessageProperties.GaveUp, out var reason)) throw new GaveUpException(reason);

        var policy = retryPolicies.For(invocation.Bindings.Name);
        var now = clock.GetUtcNow();
        var attempt = Number(delivered.Properties, MessageProperties.Attempt) ?? 1;
        var firstAttemptAt = delivered.Properties.TryGetValue(MessageProperties.FirstAttemptAt, out var first)
                             && DateTimeOffset.TryParse(first, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at
            : now;
        // Kept as delivered: a retry carries the message as it came (a claim-check reference stays one).
        var thisAttempt = delivered with { Attempt = attempt, IsLastAttempt = policy.IsLast(attempt, firstAttemptAt, now) };
        invocation.Invocation = thisAttempt;
        try
        {
            return await RunOnceAsync(context, next, invocation);
        }
        catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested && IsRetryable(ex))
        {
            return await ScheduleNextAsync(invocation.Bindings, queue, thisAttempt, policy, firstAttemptAt, ex, context.CancellationToken);
        }
    }

    private static bool IsRetryable(Exception ex) => ex is RetryLaterException || StorageFailures.IsUnavailable(ex);

    /// <summary>
    /// Sends the message again, addressed to this consumer only: scheduled after the policy's backoff (never before a
    /// Retry-After) as the next attempt, or, after the last one, marked as given up so that it dead-letters.
    /// </summary>
    private async Task<FunctionResult> ScheduleNextAsync(FunctionBindings function, MessageTrigger queue, Invocation invocation,
        RetryPolicy policy, DateTimeOffset firstAttemptAt, Exception failure, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var retry = failure as RetryLaterException;
        var isAttempt = retry?.IsAttempt ?? true;
        var error = retry?.Message ?? $"{failure.GetType().Name}: {failure.Message}";
        var delay = isAttempt ? policy.DelayAfter(invocation.Attempt) : retry?.RetryAfter ?? policy.DelayAfter(1);
        if (retry?.RetryAfter is { } retryAfter && retryAfter > delay) delay = retryAfter;
        var givesUp = isAttempt ? invocation.IsLastAttempt : policy.MaxAge is { } age && now + delay - firstAttemptAt > age;

        var copy = (Number(invocation.Properties, MessageProperties.Copy) ?? 0) + 1;
        var original = invocation.Properties.GetValueOrDefault(MessageProperties.RetryOf) ?? invocation.MessageId ?? Guid.NewGuid().ToString();
        var properties = new Dictionary<string, string>(invocation.Properties, StringComparer.Ordinal)
        {
            [MessageProperties.RetryOf] = original,
            [MessageProperties.Copy] = copy.ToString(CultureInfo.InvariantCulture),
            [MessageProperties.FirstAttemptAt] = firstAttemptAt.ToString("O", CultureInfo.InvariantCulture),
        };
        if (queue.Subscription is { } subscription) properties[MessageProperties.To] = subscription;
        string line;
        if (givesUp)
        {
            line = $"gave up after {invocation.Attempt} attempts: {error}";
            properties[MessageProperties.GaveUp] = line;
            logger.LogWarning("{Function}: message {MessageId} {Line}", function.Name, original, line);
        }
        else
        {
            var next = isAttempt ? invocation.Attempt + 1 : invocation.Attempt;
            properties[MessageProperties.Attempt] = next.ToString(CultureInfo.InvariantCulture);
            line = (isAttempt ? $"attempt {invocation.Attempt} failed: {error}" : $"waiting: {error}") +
                   $"; attempt {next} at {now + delay:O} ({policy.Description})";
        }
        var message = new OutgoingMessage(invocation.Message ?? "", MessageIds.Bounded($"{original}:{queue.Subscription ?? queue.QueueName}:{copy}"))
        {
            Properties = properties,
            ScheduledFor = givesUp ? null : now + delay,
        };
        await publisher.SendAsync(queue.QueueName, [message], cancellationToken);
        // A failed attempt is said once, as a warning without a stack (it is expected, and retried); a wait is routine.
        if (isAttempt && !givesUp)
        {
            logger.LogWarning("{Function}: message {MessageId} {Line}", function.Name, original, line);
            return FunctionResult.Done();
        }
        return FunctionResult.Done().Log(line);
    }

    private static int? Number(IReadOnlyDictionary<string, string> properties, string name) =>
        properties.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;

    /// <summary>Events an HTTP function put on the <c>events</c> queue are the accepted ones, whichever function took them.</summary>
    private static void CountAccepted(FunctionBindings definition, FunctionResult result)
    {
        if (definition.Trigger is not HttpRoute) return;
        foreach (var output in definition.QueueOutputs)
        {
            if (output.QueueName != QueueNames.Events || !result.Messages.TryGetValue(output.BindingName, out var messages)) continue;
            foreach (var message in messages)
            {
                if (message.Body.ValueKind == System.Text.Json.JsonValueKind.Object && message.Body.TryGetProperty("type", out var type)
                    && type.ValueKind == System.Text.Json.JsonValueKind.String)
                    PipelineTelemetry.RecordAccepted(type.GetString()!);
            }
        }
    }
}
