using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Pipeline;

/// <summary>
/// Where the Recorder sends an event after persisting it: to <see cref="Output"/>'s queue when <see cref="Applies"/>.
/// Modules register the routes for the events they produce; the Recorder knows no event type by name.
/// </summary>
public sealed record EventRoute(QueueOutput Output, Func<EventEnvelope, bool> Applies);

/// <summary>
/// What the Recorder keeps for a module besides the event log (a search index, a site's record, rollups). Runs for
/// every recorded event it <see cref="Applies"/> to, redeliveries included, so it must be idempotent.
/// </summary>
public interface IEventProjection
{
    bool Applies(EventEnvelope envelope);

    Task ProjectAsync(EventEnvelope envelope, CancellationToken cancellationToken);
}

public static class RecorderRegistration
{
    public static IServiceCollection AddEventRoute(this IServiceCollection services, QueueOutput output,
        Func<EventEnvelope, bool> applies) =>
        services.AddSingleton(new EventRoute(output, applies));

    public static IServiceCollection AddEventProjection<TProjection>(this IServiceCollection services)
        where TProjection : class, IEventProjection =>
        services.AddSingleton<IEventProjection, TProjection>();
}
