namespace Pipeline.Functions.Hosting;

/// <summary>
/// The pipeline's own queue (Service Bus in Azure, an Azurite queue of the same name locally). Modules declare their
/// queues where they use them; the topic's subscriptions are declared by their consumers.
/// </summary>
public static class QueueNames
{
    /// <summary>Every accepted event, on its way to the Recorder.</summary>
    public const string Events = "events";

    /// <summary>The local host's dead-letter queue of a queue (Service Bus: its <c>$DeadLetterQueue</c>).</summary>
    public static string Poison(string queue) => queue + "-poison";
}
