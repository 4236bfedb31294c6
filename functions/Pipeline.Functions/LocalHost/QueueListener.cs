using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.LocalHost;

/// <summary>
/// Plays the Service Bus trigger for one queue on Azurite: receives batches, runs them concurrently, deletes a
/// message only after its function and outputs succeeded, hides a failed one for a growing delay, and moves it
/// to <c>&lt;queue&gt;-poison</c> with the failure reason once it has been delivered MaxDeliveryCount times.
/// </summary>
public sealed class QueueListener(
    IFunction function,
    FunctionDispatcher dispatcher,
    QueueOutputSender outputs,
    Storage.StorageReadiness storageReady,
    IOptions<LocalHostOptions> options,
    TimeProvider clock,
    ILogger<QueueListener> logger)
{
    // Bounds the latency an idle queue adds to each hop; two receivers polling this often cost Azurite little.
    private const int MaxIdlePollMilliseconds = 200;

    private readonly QueueTrigger _trigger = (QueueTrigger)function.Definition.Trigger;
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
        var queue = outputs.Queue(_trigger.QueueName);
        await WarnAboutPoisonAsync(stoppingToken);
        await Task.WhenAll(Enumerable.Range(0, Options.ReceiversPerQueue).Select(_ => ReceiveLoopAsync(queue, stoppingToken)));
    }

    private async Task ReceiveLoopAsync(QueueClient queue, CancellationToken stoppingToken)
    {
        var idle = TimeSpan.FromMilliseconds(25);
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] batch;
            try
            {
                // Not cancelled by shutdown: a receive cut off after the service dequeued its messages would hide
                // them for the whole visibility timeout. Receives are short; the loop checks the token between them.
                batch = (await queue.ReceiveMessagesAsync(Options.BatchSize,
                    TimeSpan.FromSeconds(Options.VisibilityTimeoutSeconds), CancellationToken.None)).Value;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Receiving from {Queue} failed: {Message}", _trigger.QueueName, ex.Message);
                batch = [];
            }

            if (batch.Length == 0)
            {
                // Back off while idle so an empty Azurite queue is not polled hot; reset as soon as work arrives.
                try { await Task.Delay(idle, stoppingToken); }
                catch (OperationCanceledException) { return; }
                idle = TimeSpan.FromMilliseconds(Math.Min(idle.TotalMilliseconds * 2, MaxIdlePollMilliseconds));
                continue;
            }
            idle = TimeSpan.FromMilliseconds(25);
            // In-flight messages finish even when shutdown starts: they are not given the stopping token.
            await Task.WhenAll(batch.Select(message => ProcessAsync(queue, message)));
        }
    }

    private async Task ProcessAsync(QueueClient queue, QueueMessage message)
    {
        var invocation = new Invocation
        {
            FunctionName = function.Definition.Name,
            Message = message.Body.ToString(),
            DeliveryCount = (int)message.DequeueCount,
            MessageId = message.MessageId,
        };
        var lease = new Lease(message.MessageId, message.PopReceipt);
        Exception? failure = null;
        using (var running = new CancellationTokenSource())
        {
            var renewal = RenewWhileRunningAsync(queue, lease, running.Token);
            try
            {
                await dispatcher.RunAsync(function, invocation, CancellationToken.None, async result =>
                {
                    await outputs.SendAsync(function.Definition, result, CancellationToken.None);
                    foreach (var line in result.Logs) logger.LogInformation("{Function}: {Line}", function.Definition.Name, line);
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
                    _trigger.QueueName, ex.Message);
                if (ex is RequestFailedException { Status: 404 or 400 }) return; // gone, or another receiver has it
            }
        }
    }

    private async Task HandleFailureAsync(QueueClient queue, QueueMessage message, Lease lease, Exception failure)
    {
        var reason = $"{failure.GetType().Name}: {failure.Message}";
        if (message.DequeueCount < Options.MaxDeliveryCount)
        {
            var delay = Options.RetryDelay((int)message.DequeueCount);
            // Abandoned: visible again after the retry delay, not after the visibility timeout.
            await IgnoreGoneAsync(() => queue.UpdateMessageAsync(lease.MessageId, lease.PopReceipt, visibilityTimeout: delay));
            return;
        }

        var poisonQueue = QueueNames.Poison(_trigger.QueueName);
        var poison = RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("queue", _trigger.QueueName);
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
        Telemetry.PipelineTelemetry.RecordDeadLettered(_trigger.QueueName, function.Definition.Name);
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
            logger.LogDebug("Settling a message of {Queue} found it gone: {Message}", _trigger.QueueName, ex.Message);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Settling a message of {Queue} failed; it comes back after its visibility timeout: {Message}",
                _trigger.QueueName, ex.Message);
        }
    }

    private async Task WarnAboutPoisonAsync(CancellationToken cancellationToken)
    {
        try
        {
            var poison = outputs.Queue(QueueNames.Poison(_trigger.QueueName));
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
