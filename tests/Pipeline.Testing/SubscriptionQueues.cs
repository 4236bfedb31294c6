using Pipeline.Functions.Pipeline;

namespace Pipeline.Testing;

/// <summary>The Azurite queues that stand in for the topic's subscriptions locally, by consumer.</summary>
public static class SubscriptionQueues
{
    public static string Of(string subscription) => new MessageTrigger(EventSubscription.Topic) { Subscription = subscription }.LocalQueue;

    public static readonly string Intercom = Of("intercom");
    public static readonly string IAdvize = Of("iadvize");
}

/// <summary>The local host's dead-letter wrapper (<c>{queue, function, reason, …, message}</c>).</summary>
public static class DeadLetterWrapper
{
    /// <summary>The envelope the dead-lettered message carried (inside its frame, when it had one).</summary>
    public static System.Text.Json.JsonElement Envelope(System.Text.Json.JsonElement wrapper)
    {
        var message = wrapper.GetProperty("message");
        return message.ValueKind == System.Text.Json.JsonValueKind.Object && message.TryGetProperty("$message", out _)
            ? message.GetProperty("body")
            : message;
    }
}
