namespace Pipeline.Functions.Hosting;

// What a function declares beyond the worker's attributes: facts the hosts of this app act on and the Functions
// host never sees (none of them reaches function.json).

/// <summary>The function runs at once, without waiting for the tables and queues to exist: it reports on them instead.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class WithoutStorageWaitAttribute : Attribute;

/// <summary>The NCRONTAB schedule of a <c>[TimerTrigger("%Setting%")]</c> when the setting is absent (the local host reads it).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DefaultScheduleAttribute(string schedule) : Attribute
{
    public string Schedule { get; } = schedule;
}
