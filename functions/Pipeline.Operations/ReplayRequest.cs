using System.Text.Json.Nodes;


namespace Pipeline.Functions.Operations;

/// <summary>
/// The body of <c>POST /api/ops/replay</c>: which deliveries of one destination to send again. Either a filter
/// (status, time range, subject) read from the delivery index, or a list of event ids.
/// </summary>
public sealed record ReplayRequest(
    string Destination,
    string Status,
    DateTimeOffset Since,
    DateTimeOffset Until,
    string? Subject,
    IReadOnlyList<Guid>? EventIds,
    bool DryRun,
    bool Force)
{
    public const int MaxEventIds = 100;
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);
    public static readonly string[] StatusWords = ["failed", "skipped", "retrying", "any"];

    /// <summary>The statuses the filter selects; null for any.</summary>
    public IReadOnlyList<DeliveryStatus>? Statuses => Status == "any" ? null : [DeliveryJson.Statuses[Status]];

    public DeliveryFilter Filter => new(Destination, Since, Until, Statuses, Subject);

    public static ReplayRequest? Parse(JsonElement body, IReadOnlyCollection<string> destinations, TimeProvider clock,
        out (string Field, string Message)? problem)
    {
        problem = null;
        string? Text(string name) => body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        bool IsPresent(string name) => body.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

        var destination = Text("destination");
        if (destination is null || !destinations.Contains(destination))
        {
            problem = ("destination", destination is null
                ? $"must be one of {string.Join(", ", destinations)}"
                : AdminHttp.UnknownDestination(destination, destinations));
            return null;
        }
        foreach (var name in new[] { "status", "since", "until", "subject" })
        {
            if (IsPresent(name) && Text(name) is null)
            {
                problem = (name, "must be a string");
                return null;
            }
        }
        var flags = new Dictionary<string, bool>();
        foreach (var name in new[] { "dry_run", "force" })
        {
            flags[name] = false;
            if (!IsPresent(name)) continue;
            var kind = body.GetProperty(name).ValueKind;
            if (kind is not (JsonValueKind.True or JsonValueKind.False))
            {
                problem = (name, "must be true or false");
                return null;
            }
            flags[name] = kind == JsonValueKind.True;
        }

        List<Guid>? ids = null;
        if (IsPresent("event_ids"))
        {
            var array = body.GetProperty("event_ids");
            if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() is 0 or > MaxEventIds)
            {
                problem = ("event_ids", $"must be an array of 1 to {MaxEventIds} event ids");
                return null;
            }
            ids = [];
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || !Guid.TryParse(item.GetString(), out var id))
                {
                    problem = ("event_ids", $"{item.GetRawText()} is not an event id (a GUID)");
                    return null;
                }
                if (!ids.Contains(id)) ids.Add(id);
            }
        }

        // Named events are replayed whatever their status, unless a status is given; a filter selects failures by default.
        var status = Text("status") ?? (ids is null ? "failed" : "any");
        if (!StatusWords.Contains(status))
        {
            problem = ("status", $"must be one of {string.Join(", ", StatusWords)}");
            return null;
        }
        var range = TimeRange.Parse(Text("since"), Text("until"), clock, MaxRange, out problem);
        if (range is null) return null;
        return new ReplayRequest(destination, status, range.Since, range.Until, Text("subject"), ids, flags["dry_run"], flags["force"]);
    }

    /// <summary>The request as answers show it and the <c>Replays</c> table keeps it.</summary>
    public ReplayAsked ToAnswer() => new(Destination, Status, AdminHttp.Iso(Since), AdminHttp.Iso(Until), Subject, EventIds, DryRun, Force);

    public static ReplayRequest FromJson(JsonNode json) => new(
        json["destination"]!.GetValue<string>(),
        json["status"]!.GetValue<string>(),
        DateTimeOffset.Parse(json["since"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
        DateTimeOffset.Parse(json["until"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
        json["subject"]?.GetValue<string>(),
        json["event_ids"] is JsonArray ids ? ids.Select(i => Guid.Parse(i!.GetValue<string>())).ToList() : null,
        json["dry_run"]?.GetValue<bool>() ?? false,
        json["force"]?.GetValue<bool>() ?? false);
}
