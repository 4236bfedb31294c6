namespace Pipeline.Functions.GhostMonitor;

/// <summary>The event types this module produces; nothing else spells them.</summary>
public static class GhostMonitorEvents
{
    public const string PushPrefix = "push.";

    /// <summary>The statistics push, whose latest values the sweep re-sends.</summary>
    public const string Statistics = PushPrefix + "statistics";

    public static string Push(string segment) => PushPrefix + segment;

    /// <returns>The segment of a push event type, or null for any other type.</returns>
    public static string? SegmentOf(string type) => type.StartsWith(PushPrefix, StringComparison.Ordinal) ? type[PushPrefix.Length..] : null;
}

/// <summary>
/// <c>push.&lt;segment&gt;</c>: one push as the push API validated and stored it: the site, the segment and the
/// segment's fields present (numbers as numbers, dates as UTC instants, money as amount and currency). What other
/// modules count (carts, emails, money recovered) is read here, once, as typed properties.
/// </summary>
public sealed record PushReceived(string? SiteId, PushSegment? Segment, IReadOnlyList<PushField> Fields) : IRecordedEvent<PushReceived>
{
    public static IReadOnlyList<string> EventTypes { get; } = [GhostMonitorEvents.PushPrefix + "*"];

    /// <summary>Set on <c>days_left</c> when the push gave the date the trial ends (the seed's example does).</summary>
    public DateTimeOffset? TrialEndsAt { get; init; }

    public static PushReceived Read(EventEnvelope envelope) =>
        Of(Subjects.SiteId(envelope.Subject), GhostMonitorEvents.SegmentOf(envelope.Type) is { } name ? PushSegments.Find(name) : null, envelope.Data);

    /// <summary>The record of a segment's stored data (the sweep re-reads the statistics a site last pushed).</summary>
    public static PushReceived Of(string? siteId, PushSegment? segment, JsonElement data) =>
        new(siteId, segment, segment is null ? [] : segment.Fields
            .Where(f => f.Name != PushSegments.SiteId)
            .Select(f => EventData.Field(data, f.Name) is { } value ? new PushField(f, value.Clone()) : null)
            .OfType<PushField>()
            .ToList())
        {
            TrialEndsAt = EventData.Instant(data, PushValidator.TrialEndsAtField),
        };

    public string? SegmentName => Segment?.Name;

    public PushField? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);

    /// <summary>The site owner's email a sign-up carries: <c>signup_started</c>'s <c>email</c>, <c>signup_ended</c>'s <c>sender_email</c>.</summary>
    public string? OwnerEmail => SegmentName switch
    {
        "signup_started" => Field("email")?.Text,
        "signup_ended" => Field("sender_email")?.Text,
        _ => null,
    };

    /// <summary>The owner's name <c>signup_ended</c> gives.</summary>
    public string? OwnerName => SegmentName == "signup_ended" ? Field(OwnerNameField)?.Text : null;

    /// <summary>The <c>signup_ended</c> field that names the site's owner, not the site.</summary>
    public const string OwnerNameField = "name";

    /// <summary>Carts recovered so far: <c>cart_recovered</c>'s count, or the statistics' <c>carts_recovered</c>.</summary>
    public double? CartsRecovered => SegmentName switch
    {
        "cart_recovered" => Field("cart_recovered")?.Number,
        "statistics" => Field("carts_recovered")?.Number,
        _ => null,
    };

    /// <summary>Emails sent so far: <c>emails_sent</c>'s count, or the statistics' <c>emails_sent</c>.</summary>
    public double? EmailsSent => SegmentName is "emails_sent" or "statistics" ? Field("emails_sent")?.Number : null;

    /// <summary>Money recovered so far, as <c>money_recovered</c> gives it (its currency aside).</summary>
    public double? MoneyRecovered => SegmentName == "money_recovered" ? Field("money_recovered")?.Amount : null;
}

/// <summary>One field of a push, as stored: its declared spec and value.</summary>
public sealed record PushField(FieldSpec Spec, JsonElement Value)
{
    public string Name => Spec.Name;
    public FieldKind Kind => Spec.Kind;

    public string? Text => EventData.TextOf(Value);

    public double? Number => EventData.NumberOf(Value);

    /// <summary>A date field's instant (stored as ISO 8601 UTC).</summary>
    public DateTimeOffset? Instant => EventData.InstantOf(Value);

    /// <summary>A money field's amount and currency (stored as <c>{ amount, currency }</c>).</summary>
    public double? Amount => Kind == FieldKind.Money ? EventData.Number(Value, "amount") : null;

    public string? Currency => Kind == FieldKind.Money ? EventData.Text(Value, "currency") : null;
}
