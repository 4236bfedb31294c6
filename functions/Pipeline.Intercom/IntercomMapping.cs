using Pipeline.Functions.GhostMonitor;

namespace Pipeline.Functions.Intercom;

/// <summary>An update of one Intercom company: its <c>company_id</c> and custom attributes (name → JSON value).</summary>
public sealed record CompanyUpdate(string CompanyId, IReadOnlyDictionary<string, JsonElement> Attributes)
{
    public string ToJson() => IntercomRequestJson.Write(new CompanyRequest(CompanyId, Attributes));
}

/// <summary>
/// How a push event becomes Intercom company attributes (the README's mapping table). Each site is a company
/// whose attributes hold the latest value of every segment: dates as Unix timestamps, statuses as booleans,
/// money as a number plus a currency attribute, statistics under the <c>stats_</c> prefix.
/// </summary>
public static class IntercomMapping
{
    public const string StatisticsPrefix = "stats_";

    public static Dictionary<string, JsonElement> CompanyAttributes(PushReceived push)
    {
        var segment = push.Segment!;
        var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        switch (segment.Name)
        {
            case "payment_activated" or "payment_deactivated":
                attributes["payment_active"] = Bool(segment.Name == "payment_activated");
                break;
            case "plugin_activated" or "plugin_deactivated":
                attributes["plugin_active"] = Bool(segment.Name == "plugin_activated");
                break;
            default:
                foreach (var field in CompanyFields(segment)) MapField(push, field, attributes);
                break;
        }
        return attributes;
    }

    /// <summary>
    /// Metadata of the data event a push records on the owner contact: flat values only, dates as Unix seconds
    /// under a <c>_date</c> key, money as a number; Intercom tracks only the first 10 keys, so no more are sent.
    /// </summary>
    public static Dictionary<string, JsonElement> EventMetadata(PushReceived push)
    {
        var metadata = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var field in push.Fields)
        {
            if (metadata.Count == MaxEventMetadataKeys) break;
            switch (field.Kind)
            {
                case FieldKind.Date:
                    if (field.Instant is { } at) metadata[field.Name + "_date"] = UnixSeconds(at);
                    break;
                case FieldKind.Money:
                    if (field.Amount is { } amount) metadata[field.Name] = Number(amount);
                    break;
                default:
                    metadata[field.Name] = field.Value;
                    break;
            }
        }
        return metadata;
    }

    public const int MaxEventMetadataKeys = 10;

    /// <summary>The attribute names a segment writes, with Intercom data types (for creating the data attributes).</summary>
    public static IEnumerable<(string Name, string DataType)> AttributesOf(PushSegment segment)
    {
        switch (segment.Name)
        {
            case "payment_activated" or "payment_deactivated":
                yield return ("payment_active", "boolean");
                yield break;
            case "plugin_activated" or "plugin_deactivated":
                yield return ("plugin_active", "boolean");
                yield break;
        }
        foreach (var field in CompanyFields(segment))
        {
            var name = AttributeName(segment, field);
            switch (field.Kind)
            {
                case FieldKind.Integer: yield return (name, "integer"); break;
                case FieldKind.Number or FieldKind.Duration: yield return (name, "float"); break;
                case FieldKind.Date: yield return (name, "date"); break;
                case FieldKind.Money:
                    yield return (name, "float");
                    yield return (name + "_currency", "string");
                    break;
                case FieldKind.DaysOrDate:
                    yield return (name, "integer");
                    yield return ("trial_ends_at", "date");
                    break;
                default: yield return (name, "string"); break;
            }
        }
    }

    /// <summary>
    /// The fields a segment writes on the company. <c>signup_ended.name</c> is the owner's name: it goes on the owner
    /// contact (<see cref="OwnerContacts"/>), and <c>name</c> is also a standard company field (the company's own
    /// name), which a custom attribute must not shadow.
    /// </summary>
    private static IEnumerable<FieldSpec> CompanyFields(PushSegment segment) =>
        segment.Fields.Where(f => f.Name != PushSegments.SiteId && !(segment.Name == "signup_ended" && f.Name == PushReceived.OwnerNameField));

    private static void MapField(PushReceived push, FieldSpec spec, Dictionary<string, JsonElement> attributes)
    {
        var name = AttributeName(push.Segment!, spec);
        if (spec.Kind == FieldKind.DaysOrDate && push.TrialEndsAt is { } ends)
        {
            attributes["trial_ends_at"] = UnixSeconds(ends);
            return;
        }
        if (push.Field(spec.Name) is not { } field) return;
        switch (spec.Kind)
        {
            case FieldKind.Date:
                if (field.Instant is { } at) attributes[name] = UnixSeconds(at);
                break;
            case FieldKind.Money:
                if (field.Amount is { } amount) attributes[name] = Number(amount);
                if (field.Currency is { } currency) attributes[name + "_currency"] = JsonSerializer.SerializeToElement(currency, IntercomJson.Default.String);
                break;
            default:
                attributes[name] = field.Value;
                break;
        }
    }

    /// <summary>Statistics go under one prefix; dates get Intercom's <c>_at</c> suffix so they show as dates.</summary>
    public static string AttributeName(PushSegment segment, FieldSpec field)
    {
        if (segment.Name == "statistics") return StatisticsPrefix + field.Name;
        return field.Kind == FieldKind.Date ? field.Name + "_at" : field.Name;
    }

    public static JsonElement UnixSeconds(DateTimeOffset at) => JsonSerializer.SerializeToElement(at.ToUnixTimeSeconds(), IntercomJson.Default.Int64);

    private static JsonElement Number(double value) => JsonSerializer.SerializeToElement(value, IntercomJson.Default.Double);

    private static JsonElement Bool(bool value) => JsonSerializer.SerializeToElement(value, IntercomJson.Default.Boolean);
}
