namespace Pipeline.Functions.Reportei;

public enum MetricKind
{
    /// <summary>Events counted per day, summed over the period.</summary>
    Count,
    /// <summary>A value summed per day and over the period.</summary>
    Sum,
    /// <summary>A running total: the latest value reported by the end of the day / period (null before the first report).</summary>
    Latest,
    /// <summary>Distinct visitors: the size of the union of the days' sets.</summary>
    Distinct,
    /// <summary><see cref="MetricDefinition.Property"/> summed over <see cref="MetricDefinition.CountProperty"/> (null when none).</summary>
    Average,
}

/// <param name="Dimension">The one dimension the metric can be broken down by, if any.</param>
/// <param name="Breakdown">The day row's counts per value of <paramref name="Dimension"/>.</param>
public sealed record MetricDefinition(string Key, RollupScope Scope, MetricKind Kind, string Property, string Meaning,
    string? CountProperty = null, string? Dimension = null, Func<TableEntity, IEnumerable<KeyValuePair<string, long>>>? Breakdown = null);

/// <summary>The catalogue of <c>reference_key</c>s Reportei can ask for (README: Reportei metrics), and the rollup properties behind them.</summary>
public static class Metrics
{
    public const string NumberComponent = "number_v1";
    public const string TimeseriesComponent = "timeseries_v1";
    public static readonly string[] Components = [NumberComponent, TimeseriesComponent];

    public const string Pushes = "pushes";
    public const string CartsRecovered = "carts_recovered";
    public const string EmailsSent = "emails_sent";
    public const string MoneyRecovered = "money_recovered";
    public const string SalesValue = "sales_value";
    public const string LeadViews = "lead_views";
    public const string ContactViews = "contact_views";
    public const string ConversationsClosed = "conversations_closed";
    public const string SatisfactionSum = "satisfaction_sum";
    public const string SatisfactionCount = "satisfaction_count";

    /// <summary>The day row's count of tracking actions of one <c>actionType</c>.</summary>
    public static string ActionProperty(string actionType) => "action_" + actionType;

    private static MetricDefinition Action(string key, string actionType) =>
        new(key, RollupScope.TrackingApp, MetricKind.Count, ActionProperty(actionType),
            $"tracking actions (/jsapi/send, /mobileapi/send) with actionType {actionType} in the period",
            Dimension: "action_type",
            Breakdown: row => [new(actionType, RollupProperties.Count(row, ActionProperty(actionType)))]);

    public static readonly IReadOnlyList<MetricDefinition> Catalogue =
    [
        new("ghostmonitor:carts_recovered", RollupScope.Site, MetricKind.Latest, CartsRecovered,
            "the site's running total of recovered carts as last reported by the period's end (push/cart_recovered, push/statistics); null before the first report"),
        new("ghostmonitor:emails_sent", RollupScope.Site, MetricKind.Latest, EmailsSent,
            "the site's running total of emails sent as last reported by the period's end (push/emails_sent, push/statistics); null before the first report"),
        new("ghostmonitor:money_recovered", RollupScope.Site, MetricKind.Latest, MoneyRecovered,
            "the amount of the site's running total of recovered money as last reported by the period's end (push/money_recovered); null before the first report"),
        new("ghostmonitor:pushes", RollupScope.Site, MetricKind.Count, Pushes, "push events of any segment for the site in the period"),
        Action("footprints:visits", "visit"),
        Action("footprints:sales", "sale"),
        Action("footprints:contacts", "contact"),
        Action("footprints:feedback", "feedback"),
        new("footprints:sales_value", RollupScope.TrackingApp, MetricKind.Sum, SalesValue,
            "the sum of the receipt values (aditionalData[receipts][n][value]) of the sale actions in the period"),
        new("footprints:identified_visitors", RollupScope.TrackingApp, MetricKind.Distinct, RollupProperties.Visitors,
            "distinct identified visitors seen in the period: an init with an email or phone, or a web send by a uid (uType c)"),
        new("analytics:lead_views", RollupScope.AnalyticsCustomer, MetricKind.Count, LeadViews,
            "analytics events about a lead (lead_analytics, or analytics_events with entity_type lead) with event_type view, for the customer, in the period"),
        new("analytics:contact_views", RollupScope.AnalyticsCustomer, MetricKind.Count, ContactViews,
            "analytics events about a contact (contact_analytics, or analytics_events with entity_type contact) with event_type view, for the customer, in the period"),
        new("iadvize:conversations_closed", RollupScope.IAdvizeWebsite, MetricKind.Count, ConversationsClosed,
            "iAdvize conversations closed on the website in the period", Dimension: "channel",
            Breakdown: row => RollupProperties.BreakdownOf(row, RollupProperties.Channels)),
        new("iadvize:satisfaction_average", RollupScope.IAdvizeWebsite, MetricKind.Average, SatisfactionSum,
            "the mean score of the iAdvize satisfaction surveys filled on the website in the period; null when none",
            CountProperty: SatisfactionCount),
    ];

    private static readonly Dictionary<string, MetricDefinition> ByKey = Catalogue.ToDictionary(m => m.Key, StringComparer.Ordinal);

    public static MetricDefinition? Find(string referenceKey) => ByKey.GetValueOrDefault(referenceKey);

    /// <summary>The integration field that names a scope.</summary>
    public static string FieldOf(RollupScope scope) => scope switch
    {
        RollupScope.Site => "site_id",
        RollupScope.TrackingApp => "tracking_app_key",
        RollupScope.AnalyticsCustomer => "analytics_customer_id",
        RollupScope.IAdvizeWebsite => "iadvize_website_id",
        _ => throw new ArgumentOutOfRangeException(nameof(scope)),
    };
}
