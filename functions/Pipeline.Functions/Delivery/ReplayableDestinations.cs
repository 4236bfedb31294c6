using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Delivery;

/// <summary>A destination an operator may replay events to: its delivery records' name and the queue its forwarder reads.</summary>
public sealed record ReplayableDestination(string Name, QueueOutput Queue);

public static class ReplayableDestinations
{
    /// <summary>
    /// Makes a destination replayable from the admin API (one line in its module). <paramref name="name"/> is the
    /// destination's <see cref="IDestination.Name"/>; the replay output's binding is named after it.
    /// </summary>
    public static IServiceCollection AddReplayableDestination(this IServiceCollection services, string name, string queueName) =>
        services.AddSingleton(new ReplayableDestination(name, new QueueOutput("replay_" + name.Replace('-', '_'), queueName)));
}
