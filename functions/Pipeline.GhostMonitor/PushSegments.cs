namespace Pipeline.Functions.GhostMonitor;

/// <summary>How a field's value is read. Every kind accepts the value as a string (as the seed sends it) or as JSON.</summary>
public enum FieldKind
{
    Text,
    Email,
    /// <summary>An integer, sent as a number or a numeric string; stored as an integer.</summary>
    Integer,
    /// <summary>A decimal number, sent as a number or a numeric string.</summary>
    Number,
    /// <summary>JavaScript Date.toString() or ISO 8601; stored as a UTC instant.</summary>
    Date,
    /// <summary>Money such as "$ 5000"; stored as { amount, currency }.</summary>
    Money,
    /// <summary>A duration such as "5m35s"; stored as seconds.</summary>
    Duration,
    /// <summary>days_left: a number of days, or (as the seed's example sends) the date the trial ends.</summary>
    DaysOrDate,
}

/// <param name="Name">The canonical name, used in the event data and the Intercom mapping.</param>
/// <param name="Aliases">Other names the seed uses for the field (examples vs. Definitions tables).</param>
public sealed record FieldSpec(string Name, FieldKind Kind, params string[] Aliases)
{
    public IEnumerable<string> AcceptedNames => Aliases.Prepend(Name);
}

public sealed record PushSegment(string Name, IReadOnlyList<FieldSpec> Fields)
{
    public string EventType => GhostMonitorEvents.Push(Name);
}

/// <summary>
/// The 18 segments of the Intercom service seed, field for field as its Definitions tables give them, with the
/// aliases its example calls use (listed in the README's seed decisions).
/// </summary>
public static class PushSegments
{
    public const string SiteId = "site_id";

    private static FieldSpec Site => new(SiteId, FieldKind.Text);

    public static readonly IReadOnlyList<PushSegment> All =
    [
        new("account_cancelled", [Site, new("account_cancelled", FieldKind.Date)]),
        new("cart_recovered", [Site, new("cart_recovered", FieldKind.Integer, "cart_recovery")]),
        new("days_left", [Site, new("trial_days_left", FieldKind.DaysOrDate, "days_left", "trial_expired")]),
        new("emails_sent", [Site, new("emails_sent", FieldKind.Integer)]),
        new("first_customer_ghost",
        [
            Site,
            new("first_customer_ghost_total", FieldKind.Money),
            new("first_customer_ghost_item_count", FieldKind.Integer),
            new("first_customer_ghost_email", FieldKind.Email),
        ]),
        new("first_entered", [Site, new("first_entered", FieldKind.Date)]),
        new("first_ghost",
        [
            Site,
            new("first_ghost_total", FieldKind.Money),
            new("first_ghost_item_count", FieldKind.Integer),
            new("first_ghost_email", FieldKind.Email),
        ]),
        new("money_recovered", [Site, new("money_recovered", FieldKind.Money)]),
        new("payment_activated", [Site]),
        new("payment_deactivated", [Site]),
        new("plugin_activated", [Site]),
        new("plugin_deactivated", [Site]),
        new("signup_ended",
        [
            Site,
            new("name", FieldKind.Text),
            new("platform", FieldKind.Text),
            new("sender_email", FieldKind.Email),
            new("time_spent_on_registration", FieldKind.Duration),
            new("signup_ended", FieldKind.Date),
        ]),
        new("signup_started",
        [
            Site,
            new("email", FieldKind.Email),
            new("domain", FieldKind.Text),
            new("signup_started", FieldKind.Date),
        ]),
        new("statistics",
        [
            Site,
            new("recovered_revenue", FieldKind.Integer),
            new("recovered_revenue_2", FieldKind.Integer),
            new("revenue_with_gm", FieldKind.Integer),
            new("revenue_without_gm", FieldKind.Integer),
            new("lost_revenue", FieldKind.Integer),
            new("revenue_growth", FieldKind.Integer),
            new("started_checkout", FieldKind.Integer),
            new("abandonment_rate", FieldKind.Number),
            new("abandoned_carts", FieldKind.Integer),
            new("identifiable_rate", FieldKind.Number),
            new("abandoned_carts_with_email", FieldKind.Integer),
            new("conversion_rate", FieldKind.Number),
            new("carts_recovered", FieldKind.Integer),
            new("emails_sent", FieldKind.Integer),
            new("open_rate", FieldKind.Number),
            new("click_rate", FieldKind.Number),
            new("query_statistics_at", FieldKind.Integer),
            new("currency_symbol", FieldKind.Text),
        ]),
        new("wizard_page_1", [Site, new("wizard_page_1", FieldKind.Number)]),
        new("wizard_page_2", [Site, new("wizard_page_2", FieldKind.Number)]),
        // The seed's wizard_page_3 example sends the value under wizard_page_2.
        new("wizard_page_3", [Site, new("wizard_page_3", FieldKind.Number, "wizard_page_2")]),
    ];

    private static readonly Dictionary<string, PushSegment> ByName = All.ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>Paths the seed's examples post to that are not segments of their own.</summary>
    private static readonly Dictionary<string, string> PathAliases = new(StringComparer.Ordinal)
    {
        ["trial_expired"] = "days_left",
    };

    public static IEnumerable<string> Names => All.Select(s => s.Name);

    /// <summary>Segments the seed's examples post to <c>/push/platform</c>, told apart by the field they carry.</summary>
    private static readonly string[] PostedToPlatform = ["signup_ended", "wizard_page_1", "wizard_page_2", "wizard_page_3"];

    public static PushSegment? Find(string name) =>
        ByName.GetValueOrDefault(PathAliases.GetValueOrDefault(name, name));

    /// <summary>
    /// The segment a call is for: the path's, except where the seed's examples post to a wrong path, where the
    /// body's field names tell which segment the client meant.
    /// </summary>
    public static PushSegment? Resolve(string path, IReadOnlyCollection<string> bodyKeys)
    {
        if (path == "platform")
            return PostedToPlatform.Where(bodyKeys.Contains).Select(Find).FirstOrDefault();
        if (path == "first_customer_ghost" && !bodyKeys.Any(k => k.StartsWith("first_customer_ghost_", StringComparison.Ordinal))
                                           && bodyKeys.Any(k => k.StartsWith("first_ghost_", StringComparison.Ordinal)))
            return Find("first_ghost");
        return Find(path);
    }
}
