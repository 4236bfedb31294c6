using System.Diagnostics;
using System.Globalization;
using Pipeline.Functions.Messaging;
using Pipeline.Functions.Storage;
using Pipeline.Functions.Telemetry;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// Runs a function for either host. The custom-handler endpoint reaches it after decoding the host's JSON payload;
/// the local host reaches it directly. It sends the function's output messages through the one publisher (so both
/// hosts send alike, with message ids and properties), claim-checks the ones too large for a queue, and applies the
/// retry model to queue-triggered functions: a failure worth retrying (<see cref="RetryLaterException"/>, storage
/// not answering) schedules the next attempt as a new message and completes this one, since Service Bus would
/// redeliver a failed invocation at once. Rules stay in the functions.
/// </summary>
public sealed class FunctionDispatcher(FunctionCatalog catalog, StorageReadiness storage, ILogger<FunctionDispatcher> logger,
    IMessagePublisher publisher, RetryPolicies retryPolicies, TimeProvider clock, MessageClaimCheck? claimCheck = null)
{
    /// <summary>An invocation that arrives while the tables are still being created waits this long, then fails.</summary>
    public static readonly TimeSpan StorageWait = TimeSpan.FromSeconds(10);

    public FunctionCatalog Catalog => catalog;

    /// <param name="complete">What the host does with the result before the invocation counts as done (the local host
    /// logs it), run inside the invocation's span and log scope.</param>
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
            var result = function.Definition.Trigger is MessageTrigger queue
                ? await RunMessageAsync(function, queue, invocation, cancellationToken)
                : await RunOnceAsync(function, invocation, cancellationToken);
            if (complete is not null) await complete(result);
            CountAccepted(function.Definition, result);
            logger.LogDebug("{Function} done in {Elapsed} ms", function.Definition.Name,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (GaveUpException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, nameof(GaveUpException));
            // Said once, when the consumer gave up; each delivery until the dead-letter is only a detail.
            logger.LogDebug("{Function}: message {MessageId} is on its way to the dead-letter queue: {Reason}",
                function.Definition.Name, invocation.MessageId, ex.Message);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The type only: an exception's message may quote what a destination answered.
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity?.SetTag("error.type", ex.GetType().FullName);
            logger.LogWarning("{Function} failed (delivery {DeliveryCount}, message {MessageId}): {Error}",
                function.Definition.Name, invocation.DeliveryCount, invocation.MessageId, $"{ex.GetType().Name}: {ex.Message}");
            logger.LogDebug(ex, "{Function} failure detail", function.Definition.Name);
            throw;
        }
    }

    /// <summary>The function once: its message resolved if claim-checked, its outputs checked in and sent.</summary>
    private async Task<InvocationResult> RunOnceAsync(IFunction function, Invocation invocation, CancellationToken cancellationToken)
    {
        if (claimCheck is not null) invocation = await claimCheck.ResolveAsync(invocation, cancellationToken);
        var result = await function.InvokeAsync(invocation, cancellationToken);
        if (claimCheck is not null) await claimCheck.CheckInAsync(result, cancellationToken);
        foreach (var output in function.Definition.QueueOutputs)
        {
            if (!result.Messages.TryGetValue(output.BindingName, out var messages) || messages.Count == 0) continue;
            await publisher.SendAsync(output.QueueName, messages.Select(m => OutgoingMessage.For(output, m)).ToList(), cancellationToken);
        }
        return result;
    }

    private async Task<InvocationResult> RunMessageAsync(IFunction function, MessageTrigger queue, Invocation invocation,
        CancellationToken cancellationToken)
    {
        // A consumer gave up on this message: fail every delivery until the broker dead-letters it, with the reason.
        if (invocation.Properties.TryGetValue(MessageProperties.GaveUp, out var reason)) throw new GaveUpException(reason);

        var policy = retryPolicies.For(function.Definition.Name);
        var now = clock.GetUtcNow();
        var attempt = Number(invocation.Properties, MessageProperties.Attempt) ?? 1;
        var firstAttemptAt = invocation.Properties.TryGetValue(MessageProperties.FirstAttemptAt, out var first)
                             && DateTimeOffset.TryParse(first, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at
            : now;
        invocation = invocation with { Attempt = attempt, IsLastAttempt = policy.IsLast(attempt, firstAttemptAt, now) };
        try
        {
            return await RunOnceAsync(function, invocation, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsRetryable(ex))
        {
            return await ScheduleNextAsync(function, queue, invocation, policy, firstAttemptAt, ex, cancellationToken);
        }
    }

    private static bool IsRetryable(Exception ex) => ex is RetryLaterException || StorageFailures.IsUnavailable(ex);

    /// <summary>
    /// Sends the message again, addressed to this consumer only: scheduled after the policy's backoff (never before a
    /// Retry-After) as the next attempt, or, after the last one, marked as given up so that it dead-letters.
    /// </summary>
    private async Task<InvocationResult> ScheduleNextAsync(IFunction function, MessageTrigger queue, Invocation invocation,
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
            logger.LogWarning("{Function}: message {MessageId} {Line}", function.Definition.Name, original, line);
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
            logger.LogWarning("{Function}: message {MessageId} {Line}", function.Definition.Name, original, line);
            return InvocationResult.Done();
        }
        return InvocationResult.Done().Log(line);
    }

    private static int? Number(IReadOnlyDictionary<string, string> properties, string name) =>
        properties.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;

    /// <summary>Events an HTTP function put on the <c>events</c> queue are the accepted ones, whichever function took them.</summary>
    private static void CountAccepted(FunctionBindings definition, InvocationResult result)
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
