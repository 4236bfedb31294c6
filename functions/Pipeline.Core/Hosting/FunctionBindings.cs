namespace Pipeline.Functions.Hosting;

/// <summary>
/// The single declaration of a function: what triggers it and where its outputs go, the bindings of its function.json.
/// Both the Functions host (through the generated function.json) and the built-in local host read it; nothing else
/// describes a function. (Named apart from the worker's FunctionDefinition, which describes a loaded method.)
/// </summary>
public sealed record FunctionBindings(string Name, FunctionTrigger Trigger, IReadOnlyList<QueueOutput> QueueOutputs)
{
    /// <summary>Whether invocations wait (briefly) for the tables and queues to exist. Only health reports on them instead.</summary>
    public bool WaitsForStorage { get; init; } = true;

    public static FunctionBindings Http(string name, string route, string[] methods, AuthLevel authLevel = AuthLevel.Anonymous,
        params QueueOutput[] outputs) =>
        new(name, new HttpRoute(route, methods, authLevel), outputs);

    public static FunctionBindings Queue(string name, string queueName, params QueueOutput[] outputs) =>
        new(name, new MessageTrigger(queueName), outputs);

    public static FunctionBindings Timer(string name, string scheduleSetting, string defaultSchedule, params QueueOutput[] outputs) =>
        new(name, new TimerSchedule(scheduleSetting, defaultSchedule), outputs);
}

public enum AuthLevel { Anonymous, Function, Admin }

public abstract record FunctionTrigger
{
    /// <summary>The binding name under which the trigger's payload arrives in <c>Data</c>.</summary>
    public abstract string BindingName { get; }
}

/// <param name="Route">Route under the <c>api</c> prefix, in the Functions route-template syntax.</param>
public sealed record HttpRoute(string Route, string[] Methods, AuthLevel AuthLevel) : FunctionTrigger
{
    public const string ResponseBindingName = "res";
    public override string BindingName => "req";

    /// <summary>A second route the built-in local host serves the function at (never declared to the Functions host).</summary>
    public string? LocalAlias => AdminRoutes.LocalAliasOf(Route);

    public bool Allows(string method) => Methods.Any(m => string.Equals(m, method, StringComparison.OrdinalIgnoreCase));
}

/// <param name="QueueName">The Service Bus queue, or the topic when <see cref="Subscription"/> is set.</param>
public sealed record MessageTrigger(string QueueName) : FunctionTrigger
{
    public override string BindingName => "message";

    /// <summary>The topic's subscription the function reads (null: a queue).</summary>
    public string? Subscription { get; init; }

    /// <summary>The Azurite queue that stands in for it locally: the queue, or <c>{topic}-{subscription}</c>.</summary>
    public string LocalQueue => MessagingEntity.Of(this).LocalQueue;

    /// <summary>Where a retry of its messages is sent: the queue, or the topic addressed to this subscription.</summary>
    public QueueOutput RetryOutput => new("retry", QueueName) { To = Subscription };
}

/// <param name="ScheduleSetting">App setting that overrides the schedule; the Functions host reads it as <c>%Setting%</c>.</param>
/// <param name="DefaultSchedule">Six-field NCRONTAB expression used when the setting is absent.</param>
public sealed record TimerSchedule(string ScheduleSetting, string DefaultSchedule) : FunctionTrigger
{
    public override string BindingName => "timer";
}

/// <param name="BindingName">The output's name in the function's result.</param>
/// <param name="QueueName">Service Bus queue or topic in Azure; locally the Azurite queue of the same name, or a
/// topic's subscription queues.</param>
public sealed record QueueOutput(string BindingName, string QueueName)
{
    /// <summary>For a topic: the one subscription the messages are for (a replay), instead of every matching one.</summary>
    public string? To { get; init; }
}
