using Pipeline.Functions.IAdvize;
using System.Globalization;
using System.Text.Json;
using Pipeline.Functions.Analytics;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.Pipeline;
using Pipeline.Functions.Tracking;

namespace Pipeline.Functions.Reportei;

/// <summary>
/// What the Recorder keeps for Reportei: each recorded event counted once into its scope's row for the UTC day it
/// was received (<see cref="MetricsRollups"/>). Which events count, and into what, is <see cref="ContributionOf"/>.
/// </summary>
public sealed class MetricsRollupProjection(MetricsRollups rollups) : IEventProjection
{
    public bool Applies(EventEnvelope envelope) => ContributionOf(envelope) is not null;

    public Task ProjectAsync(EventEnvelope envelope, CancellationToken cancellationToken) =>
        ContributionOf(envelope) is { } contribution
            ? rollups.ApplyAsync(envelope.Id, contribution, cancellationToken)
            : Task.CompletedTask;

    /// <returns>What the event adds to its scope's day, or null when no metric counts it.</returns>
    public static RollupContribution? ContributionOf(EventEnvelope envelope)
    {
        var day = DateOnly.FromDateTime(envelope.ReceivedAt.UtcDateTime);
        var data = envelope.Data;
        if (data.ValueKind != JsonValueKind.Object) return null;

        if (GhostMonitorEvents.IsPush(envelope.Type))
        {
            if (Subjects.SiteId(envelope.Subject) is not { } siteId) return null;
            var at = envelope.ReceivedAt;
            return new(RollupScope.Site, siteId, day, row =>
            {
                RollupProperties.Add(row, Metrics.Pushes, 1L);
                switch (GhostMonitorEvents.SegmentOf(envelope.Type))
                {
                    case "cart_recovered":
                        if (Number(data, "cart_recovered") is { } carts) RollupProperties.Latest(row, Metrics.CartsRecovered, carts, at);
                        break;
                    case "emails_sent":
                        if (Number(data, "emails_sent") is { } emails) RollupProperties.Latest(row, Metrics.EmailsSent, emails, at);
                        break;
                    case "money_recovered":
                        if (data.TryGetProperty("money_recovered", out var money) && Number(money, "amount") is { } amount)
                            RollupProperties.Latest(row, Metrics.MoneyRecovered, amount, at);
                        break;
                    case "statistics":
                        if (Number(data, "carts_recovered") is { } statCarts) RollupProperties.Latest(row, Metrics.CartsRecovered, statCarts, at);
                        if (Number(data, "emails_sent") is { } statEmails) RollupProperties.Latest(row, Metrics.EmailsSent, statEmails, at);
                        break;
                }
            });
        }

        if (envelope.Type.StartsWith("tracking.", StringComparison.Ordinal))
        {
            if (Text(data, TrackingRequest.AppKeyField) is not { } appKey) return null;
            switch (envelope.Type)
            {
                case TrackingEvents.WebSend or TrackingEvents.MobileSend:
                    var actionType = Text(data, "actionType");
                    if (actionType is null || !TrackingAction.ActionTypes.Contains(actionType)) return null;
                    var value = actionType == "sale" ? SalesValue(data) : 0;
                    var identified = envelope.Type == TrackingEvents.WebSend && Text(data, "uType") == "c";
                    var visitor = envelope.Subject;
                    return new(RollupScope.TrackingApp, appKey, day, row =>
                    {
                        RollupProperties.Add(row, Metrics.ActionProperty(actionType), 1L);
                        if (actionType == "sale") RollupProperties.Add(row, Metrics.SalesValue, value);
                        if (identified) RollupProperties.AddVisitor(row, RollupProperties.VisitorHash(visitor));
                    });
                case TrackingEvents.WebInit or TrackingEvents.MobileInit when TrackingEvents.IsIdentifiedInit(envelope):
                    var person = envelope.Subject;
                    return new(RollupScope.TrackingApp, appKey, day, row => RollupProperties.AddVisitor(row, RollupProperties.VisitorHash(person)));
                default:
                    return null;
            }
        }

        if (AnalyticsKind.OfEventType(envelope.Type) is not null)
        {
            if (!data.TryGetProperty("stored", out var stored) || stored.ValueKind != JsonValueKind.Object) return null;
            if (Text(stored, "event_type") != "view" || Text(stored, "customer_id") is not { } customer) return null;
            var property = Text(data, "entity") switch
            {
                AnalyticsIndex.Lead => Metrics.LeadViews,
                AnalyticsIndex.Contact => Metrics.ContactViews,
                _ => null,
            };
            return property is null ? null : new(RollupScope.AnalyticsCustomer, customer, day, row => RollupProperties.Add(row, property, 1L));
        }

        if (envelope.Type is IAdvizeEvents.ConversationClosed or IAdvizeEvents.SatisfactionFilled)
        {
            if (Text(data, "websiteId") is not { } website) return null;
            if (envelope.Type == IAdvizeEvents.ConversationClosed)
            {
                var channel = Text(data, "channel");
                return new(RollupScope.IAdvizeWebsite, website, day, row =>
                {
                    RollupProperties.Add(row, Metrics.ConversationsClosed, 1L);
                    if (channel is not null) RollupProperties.AddToBreakdown(row, RollupProperties.Channels, channel);
                });
            }
            if (Number(data, "score") is not { } score) return null;
            return new(RollupScope.IAdvizeWebsite, website, day, row =>
            {
                RollupProperties.Add(row, Metrics.SatisfactionSum, score);
                RollupProperties.Add(row, Metrics.SatisfactionCount, 1L);
            });
        }
        return null;
    }

    private static double SalesValue(JsonElement data) =>
        data.TryGetProperty("aditionalData", out var additional) && additional.ValueKind == JsonValueKind.Object
        && additional.TryGetProperty("receipts", out var receipts) && receipts.ValueKind == JsonValueKind.Array
            ? receipts.EnumerateArray().Sum(r => Number(r, "value") ?? 0)
            : 0;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String when value.GetString() is { Length: > 0 } s => s,
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>
    /// Largest magnitude a score, amount or total counts with. Beyond it a value is no real score or sum of money, and
    /// a day's sums of such values could overflow to infinity, which no table row can hold: the event would never record.
    /// </summary>
    public const double MaxMagnitude = 1e15;

    private static double? Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.Number when value.TryGetDouble(out var d) && Countable(d) => d,
                JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                                          && Countable(d) => d,
                _ => null,
            }
            : null;

    private static bool Countable(double value) => double.IsFinite(value) && Math.Abs(value) <= MaxMagnitude;
}
