using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Pipeline.Functions.LocalHost;

/// <summary>
/// Plays the Service Bus trigger for one queue or subscription on Azurite, as Service Bus does it, never more kindly:
/// receives batches, runs them concurrently, deletes a message only after its function and outputs succeeded, makes a
/// failed one available again at once (Service Bus abandons a failed invocation's message; retries with a backoff are
/// the dispatcher's scheduled messages, not redeliveries), and moves it to <c>&lt;queue&gt;-poison</c> with the reason
/// once it has been delivered MaxDeliveryCount times, or at once when its consumer gave up on it.
/// </summary>
public sealed class QueueListener(
    IFunction function,
    FunctionDispatcher dispatcher,
    Messaging.AzuriteQueuePublisher outputs,
    Health.ReceiveHealth receiveHealth,
    Storage.StorageReadiness storageReady,
    MessageSlots slots,
    IdlePolling idlePolling,
    IOptions<LocalHostOptions> options,
    TimeProvider clock,
    ILogger<QueueListener> logger)
{
    // Bounds the latency an idle queue adds to each hop while Azurite answers quickly (see IdlePolling).
    private const int MaxIdlePollMilliseconds = 200;

    private readonly MessageTrigger _trigger = (MessageTrigger)function.Definition.Trigger;
    private readonly string _entity = MessagingEntity.Of((MessageTrigger)function.Definition.Trigger).DisplayName;
    private int _receiveFailing;
    private LocalHostOptions Options => options.Value;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await storageReady.Ready.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var queue = outputs.Queue(_trigger.LocalQueue);
        await WarnAboutPoisonAsync(stoppingToken);
        await Task.WhenAll(Enumerable.Range(0, Options.ReceiversPerQueue).Select(_ => ReceiveLoopAsync(queue, stoppingToken)));
    }

    private async Task ReceiveLoopAsync(QueueClient queue, CancellationToken stoppingToken)
    {
        idlePolling.Join();
        var idle = TimeSpan.FromMilliseconds(25);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            // A quarter of the host's slots at most per receive, so one busy queue never holds them all.
            int taken;
            try { taken = await slots.TakeAsync(Math.Clamp(Options.MaxConcurrentMessages / 4, 1, Options.BatchSize), stoppingToken); }
            catch (OperationCanceledException) { return; }
            QueueMessage[] batch;
            var started = clock.GetTimestamp();
            try
            {
                // Not cancelled by shutdown: a receive cut off after the service dequeued its messages would hide
                // them for the whole visibility timeout. Receives are short; the loop checks the token between them.
                batch = (await queue.ReceiveMessagesAsync(taken,
                    TimeSpan.FromSeconds(Options.VisibilityTimeoutSeconds), CancellationToken.None)).Value;
                receiveHealth.ReportReceiveSucceeded(_entity);
                failures = 0;
                if (Interlocked.Exchange(ref _receiveFailing, 0) == 1)
                    logger.LogInformation("Receiving from {Queue} works again", _trigger.LocalQueue);
            }
            catch (Exception ex)
            {
                // Once per outage, not once per poll; health carries it meanwhile.
                var reason = ex.Message.Split('\n', 2)[0].Trim();
                if (Interlocked.Exchange(ref _receiveFailing, 1) == 0)
                    logger.LogWarning("Receiving from {Queue} failed: {Message}", _trigger.LocalQueue, reason);
                receiveHealth.ReportReceiveFailed(_entity, reason);
                failures++;
                batch = [];
            }
            slots.Return(taken - batch.Length);

            if (batch.Length == 0)
            {
                // Idle: back off so an empty Azurite queue is not polled hot; reset as soon as work arrives. Failing:
                // back off much further (1 s doubling), since asking a storage that does not answer again at once
                // only adds to what it cannot answer.
                var wait = failures > 0
                    ? TimeSpan.FromSeconds(Math.Min(Options.MaxReceiveBackoffSeconds, Math.Pow(2, Math.Min(failures - 1, 10))))
                    : idlePolling.WaitAfterEmpty(clock.GetElapsedTime(started), idle);
                try { await Task.Delay(wait, stoppingToken); }
                catch (OperationCanceledException) { return; }
                idle = TimeSpan.FromMilliseconds(Math.Min(idle.TotalMilliseconds * 2, MaxIdlePollMilliseconds));
                continue;
            }
            idle = TimeSpan.FromMilliseconds(25);
            // In-flight messages finish even when shutdown starts: they are not given the stopping token.
            await Task.WhenAll(batch.Select(async message =>
            {
                try { await ProcessAsync(queue, message); }
                finally { slots.Return(1); }
            }));
        }
    }

    private async Task ProcessAsync(QueueClient queue, QueueMessage message)
    {
        var lease = new Lease(message.MessageId, message.PopReceipt);
        // Past its limit already (its receiver died, or the poison move failed): it goes, it does not run again.
        if (message.DequeueCount > Options.MaxDeliveryCount)
        {
            await DeadLetterAsync(queue, message, lease, $"delivered {message.DequeueCount} times, past the limit of {Options.MaxDeliveryCount}");
            return;
        }
        var framed = Messaging.LocalMessageFrame.Unwrap(message.Body.ToString());
        var invocation = new Invocation
        {
            FunctionName = function.Definition.Name,
            Message = framed.Body,
            DeliveryCount = (int)message.DequeueCount,
            MessageId = framed.MessageId ?? message.MessageId,
            Properties = framed.Properties,
        };
        Exception? failure = null;
        using (var running = new CancellationTokenSource())
        {
            var renewal = RenewWhileRunningAsync(queue, lease, running.Token);
            try
            {
                await dispatcher.RunAsync(function, invocation, CancellationToken.None, result =>
                {
                    foreach (var line in result.Logs) logger.LogInformation("{Function}: {Line}", function.Definition.Name, line);
                    return Task.CompletedTask;
                });
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            // Settle with the newest pop receipt: wait for a renewal that is under way.
            await running.CancelAsync();
            await renewal;
        }
        if (failure is not null)
        {
            await HandleFailureAsync(queue, message, lease, failure);
            return;
        }
        await IgnoreGoneAsync(() => queue.DeleteMessageAsync(lease.MessageId, lease.PopReceipt));
    }

    /// <summary>The message's id and its latest pop receipt (each visibility update issues a new one).</summary>
    private sealed class Lease(string messageId, string popReceipt)
    {
        public string MessageId { get; } = messageId;
        public string PopReceipt { get; set; } = popReceipt;
    }

    /// <summary>
    /// Keeps a running message hidden, as Service Bus renews a message lock: every third of the visibility timeout
    /// its visibility is extended by the full timeout. A host that dies stops renewing, and the message is back
    /// on its queue within <see cref="LocalHostOptions.VisibilityTimeoutSeconds"/>.
    /// </summary>
    private async Task RenewWhileRunningAsync(QueueClient queue, Lease lease, CancellationToken running)
    {
        var visibility = TimeSpan.FromSeconds(Options.VisibilityTimeoutSeconds);
        var interval = visibility / 3;
        while (true)
        {
            try
            {
                await Task.Delay(interval, clock, running);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                // Not cancelled: an update cut off after the service applied it would leave us an outdated receipt.
                var receipt = await queue.UpdateMessageAsync(lease.MessageId, lease.PopReceipt, visibilityTimeout: visibility,
                    cancellationToken: CancellationToken.None);
                lease.PopReceipt = receipt.Value.PopReceipt;
            }
            catch (Exception ex)
            {
                // The message may reappear and run twice; every effect is idempotent, so that costs only time.
                logger.LogWarning("Renewing message {MessageId} of {Queue} failed: {Message}", lease.MessageId,
                    _trigger.LocalQueue, ex.Message);
                if (ex is RequestFailedException { Status: 404 or 400 }) return; // gone, or another receiver has it
            }
        }
    }

    private async Task HandleFailureAsync(QueueClient queue, QueueMessage message, Lease lease, Exception failure)
    {
        if (failure is Messaging.GaveUpException gaveUp)
        {
            // Service Bus would fail it at once until its delivery count runs out; the end is the same, sooner.
            await DeadLetterAsync(queue, message, lease, gaveUp.Message);
            return;
        }
        if (message.DequeueCount < Options.MaxDeliveryCount)
        {
            // Abandoned: available again at once, as Service Bus makes an abandoned message.
            await IgnoreGoneAsync(() => queue.UpdateMessageAsync(lease.MessageId, lease.PopReceipt, visibilityTimeout: TimeSpan.Zero));
            return;
        }
        await DeadLetterAsync(queue, message, lease,
            $"gave up after {message.DequeueCount} deliveries: {failure.GetType().Name}: {failure.Message}");
    }

    private async Task DeadLetterAsync(QueueClient queue, QueueMessage message, Lease lease, string reason)
    {
        var poisonQueue = QueueNames.Poison(_trigger.LocalQueue);
        var poison = Messaging.LocalMessageFrame.AsciiJson(w =>
        {
            w.WriteStartObject();
            w.WriteString("queue", _trigger.LocalQueue);
            w.WriteString("function", function.Definition.Name);
            w.WriteString("messageId", message.MessageId);
            w.WriteNumber("deliveryCount", message.DequeueCount);
            w.WriteString("reason", reason);
            w.WriteString("deadLetteredAt", clock.GetUtcNow());
            w.WritePropertyName("message");
            WriteOriginal(w, message.Body.ToString());
            w.WriteEndObject();
        });
        try
        {
            await outputs.Queue(poisonQueue).SendMessageAsync(poison);
        }
        catch (Exception ex)
        {
            // Not deleted: it stays on its queue and comes back, rather than being lost.
            logger.LogError(ex, "Could not move message {MessageId} to {Queue}", message.MessageId, poisonQueue);
            return;
        }
        Telemetry.PipelineTelemetry.RecordDeadLettered(_trigger.LocalQueue, function.Definition.Name);
        logger.LogWarning("Message {MessageId} moved to {Queue} after {Count} deliveries: {Reason}",
            message.MessageId, poisonQueue, message.DequeueCount, reason);
        await IgnoreGoneAsync(() => queue.DeleteMessageAsync(lease.MessageId, lease.PopReceipt));
    }

    private static void WriteOriginal(Utf8JsonWriter writer, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            document.RootElement.WriteTo(writer);
        }
        catch (JsonException)
        {
            writer.WriteStringValue(body);
        }
    }

    /// <summary>
    /// A message whose visibility timed out while it ran has a new pop receipt (another receiver took it):
    /// the 404 that follows is expected and harmless, since every effect is idempotent. Any other failure to
    /// settle (storage not answering) leaves the message to reappear after its visibility timeout; it must not
    /// end the receive loop.
    /// </summary>
    private async Task IgnoreGoneAsync(Func<Task> settle)
    {
        try
        {
            await settle();
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            logger.LogDebug("Settling a message of {Queue} found it gone: {Message}", _trigger.LocalQueue, ex.Message);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Settling a message of {Queue} failed; it comes back after its visibility timeout: {Message}",
                _trigger.LocalQueue, ex.Message);
        }
    }

    private async Task WarnAboutPoisonAsync(CancellationToken cancellationToken)
    {
        try
        {
            var poison = outputs.Queue(QueueNames.Poison(_trigger.LocalQueue));
            if (!await poison.ExistsAsync(cancellationToken)) return;
            var count = (await poison.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
            if (count > 0)
                logger.LogWarning("{Queue} holds {Count} dead-lettered messages; see the README on replaying them",
                    poison.Name, count);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug("Could not count poison messages: {Message}", ex.Message);
        }
    }
}
