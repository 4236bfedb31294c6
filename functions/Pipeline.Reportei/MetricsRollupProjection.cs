using Pipeline.Functions.Analytics;
using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.IAdvize;
using Pipeline.Functions.Tracking;

namespace Pipeline.Functions.Reportei;

/// <summary>
/// What Reportei keeps of the events it subscribes to: each counted once into its scope's row for the UTC day it was
/// received (<see cref="MetricsRollups"/>). What each record adds, and to which scope, is its <c>Of</c> below.
/// </summary>
public sealed class MetricsRollupProjection(MetricsRollups rollups) :
    IEventProjection<PushReceived>, IEventProjection<TrackingActionSent>, IEventProjection<VisitorSessionStarted>,
    IEventProjection<AnalyticsEventRecorded>, IEventProjection<ConversationClosed>, IEventProjection<SatisfactionFilled>
{
    public Task ProjectAsync(PushReceived push, EventEnvelope envelope, CancellationToken cancellationToken) =>
        ApplyAsync(Of(push, envelope), envelope, cancellationToken);

    public Task ProjectAsync(TrackingActionSent action, EventEnvelope envelope, CancellationToken cancellationToken) =>
        ApplyAsync(Of(action, envelope), envelope, cancellationToken);

    public Task ProjectAsync(VisitorSessionStarted session, EventEnvelope envelope, CancellationToken cancellationToken) =>
        ApplyAsync(Of(session, envelope), envelope, cancellationToken);

    public Task ProjectAsync(AnalyticsEventRecorded recorded, EventEnvelope envelope, CancellationToken cancellationToken) =>
        ApplyAsync(Of(recorded, envelope), envelope, cancellationToken);

    public Task ProjectAsync(ConversationClosed closed, EventEnvelope envelope, CancellationToken cancellationToken) =>
        ApplyAsync(Of(closed, envelope), envelope, cancellationToken);

    public Task ProjectAsync(SatisfactionFilled filled, EventEnvelope envelope, CancellationToken cancellationToken) =>
        ApplyAsync(Of(filled, envelope), envelope, cancellationToken);

    private Task ApplyAsync(RollupContribution? contribution, EventEnvelope envelope, CancellationToken cancellationToken) =>
        contribution is null ? Task.CompletedTask : rollups.ApplyAsync(envelope.Id, contribution, cancellationToken);

    /// <returns>What an event of any subscribed type adds to its scope's day, or null when no metric counts it.</returns>
    public static RollupContribution? ContributionOf(EventEnvelope envelope) => envelope.Type switch
    {
        _ when Is<PushReceived>(envelope) => Of(PushReceived.Read(envelope), envelope),
        _ when Is<TrackingActionSent>(envelope) => Of(TrackingActionSent.Read(envelope), envelope),
        _ when Is<VisitorSessionStarted>(envelope) => Of(VisitorSessionStarted.Read(envelope), envelope),
        _ when Is<AnalyticsEventRecorded>(envelope) => Of(AnalyticsEventRecorded.Read(envelope), envelope),
        _ when Is<ConversationClosed>(envelope) => Of(ConversationClosed.Read(envelope), envelope),
        _ when Is<SatisfactionFilled>(envelope) => Of(SatisfactionFilled.Read(envelope), envelope),
        _ => null,
    };

    private static bool Is<TEvent>(EventEnvelope envelope) where TEvent : IRecordedEvent<TEvent> =>
        TEvent.EventTypes.Any(pattern => EventSubscription.Matches(pattern, envelope.Type));

    private static DateOnly DayOf(EventEnvelope envelope) => DateOnly.FromDateTime(envelope.ReceivedAt.UtcDateTime);

    public static RollupContribution? Of(PushReceived push, EventEnvelope envelope)
    {
        if (push.SiteId is not { } siteId) return null;
        var at = envelope.ReceivedAt;
        var (carts, emails, money) = (Countable(push.CartsRecovered), Countable(push.EmailsSent), Countable(push.MoneyRecovered));
        return new(RollupScope.Site, siteId, DayOf(envelope), row =>
        {
            RollupProperties.Add(row, Metrics.Pushes, 1L);
            if (carts is { } c) RollupProperties.Latest(row, Metrics.CartsRecovered, c, at);
            if (emails is { } e) RollupProperties.Latest(row, Metrics.EmailsSent, e, at);
            if (money is { } m) RollupProperties.Latest(row, Metrics.MoneyRecovered, m, at);
        });
    }

    public static RollupContribution? Of(TrackingActionSent action, EventEnvelope envelope)
    {
        if (action is not { AppKey: { } appKey, ActionType: { } actionType }) return null;
        var value = Countable(action.SalesValue) ?? 0;
        var visitor = envelope.Subject;
        return new(RollupScope.TrackingApp, appKey, DayOf(envelope), row =>
        {
            RollupProperties.Add(row, Metrics.ActionProperty(actionType), 1L);
            if (actionType == "sale") RollupProperties.Add(row, Metrics.SalesValue, value);
            if (action.ByIdentifiedVisitor) RollupProperties.AddVisitor(row, RollupProperties.VisitorHash(visitor));
        });
    }

    public static RollupContribution? Of(VisitorSessionStarted session, EventEnvelope envelope)
    {
        if (session is not { Identified: true, AppKey: { } appKey }) return null;
        var person = envelope.Subject;
        return new(RollupScope.TrackingApp, appKey, DayOf(envelope), row => RollupProperties.AddVisitor(row, RollupProperties.VisitorHash(person)));
    }

    public static RollupContribution? Of(AnalyticsEventRecorded recorded, EventEnvelope envelope)
    {
        if (recorded is not { EventType: "view", CustomerId: { } customer }) return null;
        var property = recorded.Entity switch
        {
            AnalyticsIndex.Lead => Metrics.LeadViews,
            AnalyticsIndex.Contact => Metrics.ContactViews,
            _ => null,
        };
        return property is null ? null : new(RollupScope.AnalyticsCustomer, customer, DayOf(envelope), row => RollupProperties.Add(row, property, 1L));
    }

    public static RollupContribution? Of(ConversationClosed closed, EventEnvelope envelope)
    {
        if (closed.WebsiteId is not { } website) return null;
        var channel = closed.Channel;
        return new(RollupScope.IAdvizeWebsite, website, DayOf(envelope), row =>
        {
            RollupProperties.Add(row, Metrics.ConversationsClosed, 1L);
            if (channel is not null) RollupProperties.AddToBreakdown(row, RollupProperties.Channels, channel);
        });
    }

    public static RollupContribution? Of(SatisfactionFilled filled, EventEnvelope envelope)
    {
        if (filled.WebsiteId is not { } website || Countable(filled.Score) is not { } score) return null;
        return new(RollupScope.IAdvizeWebsite, website, DayOf(envelope), row =>
        {
            RollupProperties.Add(row, Metrics.SatisfactionSum, score);
            RollupProperties.Add(row, Metrics.SatisfactionCount, 1L);
        });
    }

    /// <summary>
    /// Largest magnitude a score, amount or total counts with. Beyond it a value is no real score or sum of money, and
    /// a day's sums of such values could overflow to infinity, which no table row can hold: the event would never record.
    /// </summary>
    public const double MaxMagnitude = 1e15;

    private static double? Countable(double? value) => value is { } v && double.IsFinite(v) && Math.Abs(v) <= MaxMagnitude ? v : null;
}
