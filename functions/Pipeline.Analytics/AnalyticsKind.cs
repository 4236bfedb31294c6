namespace Pipeline.Functions.Analytics;

/// <summary>The three create endpoints of the Data Analytics Service and what each stores.</summary>
/// <param name="EntityType">The stored body's <c>entityType</c>.</param>
/// <param name="PartitionLabel">The first part of the seed-style <c>partitionKey</c> (<c>Lead analytics event|…</c>).</param>
/// <param name="EntityIdField">The request field naming the lead or contact; null when the body says (<c>entity_type</c>).</param>
public sealed record AnalyticsKind(string Route, string EventType, string EntityType, string PartitionLabel, string? EntityIdField,
    string? FixedEntity)
{
    public const string GenericRoute = "v1/analytics_events";
    public const string LeadRoute = "v1/lead_analytics";
    public const string ContactRoute = "v1/contact_analytics";

    public static readonly AnalyticsKind Generic =
        new(GenericRoute, "analytics.event", "analytics_event", "Analytics event", null, null);

    public static readonly AnalyticsKind Lead =
        new(LeadRoute, "analytics.lead", "lead_analytics_event", "Lead analytics event", "lead_id", AnalyticsIndex.Lead);

    public static readonly AnalyticsKind Contact =
        new(ContactRoute, "analytics.contact", "contact_analytics_event", "Contact analytics event", "contact_id", AnalyticsIndex.Contact);

    public static readonly string[] RequiredFields = ["customer_id", "user_id", "recording_id", "event_type", "event_id"];

    public static readonly string[] OptionalTextFields =
    [
        "tool_signature", "message", "javascript_local_time", "apex_local_time", "event_environment_path",
        "name_parser_event_id", "recommendation_model_event_id",
    ];

    public static AnalyticsKind? OfEventType(string type) =>
        type switch { "analytics.event" => Generic, "analytics.lead" => Lead, "analytics.contact" => Contact, _ => null };
}
