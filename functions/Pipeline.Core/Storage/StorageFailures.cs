using Azure;

namespace Pipeline.Functions.Storage;

/// <summary>
/// Tells "storage did not answer" (worth a 503 and a retry) from every other failure. The storage clients give up
/// after a few seconds (StorageAccount); the SDK then throws the last try's error or an AggregateException of all.
/// </summary>
public static class StorageFailures
{
    /// <summary>Seconds a caller is told to wait before trying again.</summary>
    public const int RetryAfterSeconds = 5;

    /// <remarks>The caller checks its own token first: a cancellation it asked for is not an outage.</remarks>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        AggregateException all => all.InnerExceptions.Count > 0 && all.InnerExceptions.All(IsUnavailable),
        Azure.Messaging.ServiceBus.ServiceBusException { IsTransient: true } => true,
        TimeoutException or OperationCanceledException or HttpRequestException or IOException => true,
        _ => false,
    };

    /// <summary>
    /// The answer when storage or the queue did not answer in time. It says what is known: a write may have landed
    /// after the deadline, so the request is not confirmed, neither accepted nor refused.
    /// </summary>
    public static InvocationResponse Response() =>
        new(503, """{"code":"503","message":"storage did not answer in time; not confirmed: it may have been accepted. Try again"}""")
        {
            Headers = new Dictionary<string, string> { ["Retry-After"] = RetryAfterSeconds.ToString() },
        };
}
