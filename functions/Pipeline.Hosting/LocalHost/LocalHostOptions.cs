namespace Pipeline.Functions.LocalHost;

/// <summary>Settings under <c>LocalHost__*</c>: how the built-in host plays the Functions host's part.</summary>
public sealed class LocalHostOptions
{
    public const string Section = "LocalHost";

    /// <summary>Deliveries before a message moves to <c>&lt;queue&gt;-poison</c> (Service Bus's default is 10).</summary>
    public int MaxDeliveryCount { get; set; } = 10;

    /// <summary>
    /// How long a received message stays invisible to other receivers. While its function runs, the listener renews
    /// it every third of this (as Service Bus renews a lock), so a message held by a host that died is back on
    /// its queue within this many seconds.
    /// </summary>
    public int VisibilityTimeoutSeconds { get; set; } = 10;

    /// <summary>Receive loops per queue; each takes up to <see cref="BatchSize"/> messages and runs them concurrently.</summary>
    public int ReceiversPerQueue { get; set; } = 2;

    public int BatchSize { get; set; } = 32;

    /// <summary>Messages run at once across every queue and subscription (<see cref="MessageSlots"/>).</summary>
    public int MaxConcurrentMessages { get; set; } = 32;

    /// <summary>
    /// Messages waiting in all queues and subscriptions together past which HTTP functions that queue work answer 503
    /// with nothing accepted, so that Azurite stays able to drain them (<see cref="LocalHttpRoutes"/>). Azurite looks
    /// through every message it holds to answer a receive or a delete: a message costs it about 7 ms to settle with
    /// 1,000 queued and 28 ms with 5,000, when a push at full load needs four settled within its share of a second.
    /// </summary>
    public long MaxBacklog { get; set; } = 1_000;

    /// <summary>Longest wait between receives while receiving keeps failing (it doubles from 1 s up to this).</summary>
    public int MaxReceiveBackoffSeconds { get; set; } = 30;

    /// <summary>Largest HTTP body the host accepts before a function sees it (functions set tighter limits).</summary>
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// When set, routes that are not anonymous need this key as <c>?code=</c> or the <c>x-functions-key</c> header,
    /// as they would in Azure. Unset (the default), the local host checks no keys, like Core Tools.
    /// </summary>
    public string? FunctionKey { get; set; }

    /// <summary>Deadline of an HTTP function and its queue outputs; storage that does not answer within it is a 503.</summary>
    public double HttpTimeoutSeconds { get; set; } = 6;
}
