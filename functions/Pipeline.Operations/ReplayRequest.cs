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

/// <summary>
/// The body of <c>POST /api/ops/replay</c> as sent; <see cref="Check"/> makes it a <see cref="ReplayRequest"/>. Event ids
/// are JSON values so that a wrong one is quoted as sent.
/// </summary>
public sealed record ReplayBody(string? Destination, string? Status, string? Since, string? Until, string? Subject,
    IReadOnlyList<JsonElement>? EventIds, bool? DryRun, bool? Force)
{
    /// <returns>The request; null when <paramref name="problems"/> names any.</returns>
    public ReplayRequest? Check(FieldProblems problems, IReadOnlyCollection<string> destinations, TimeProvider clock)
    {
        if (Destination is null || !destinations.Contains(Destination))
            problems.Add("destination", Destination is null
                ? $"must be one of {string.Join(", ", destinations)}"
                : AdminHttp.UnknownDestination(Destination, destinations));
        foreach (var name in new[] { "status", "since", "until", "subject" }) problems.WrongType(name, "must be a string");
        foreach (var name in new[] { "dry_run", "force" }) problems.WrongType(name, "must be true or false");
        var ids = EventIdsOf(problems);

        // Named events are replayed whatever their status, unless a status is given; a filter selects failures by default.
        var status = Status ?? (EventIds is null ? "failed" : "any");
        if (!ReplayRequest.StatusWords.Contains(status))
            problems.Add("status", $"must be one of {string.Join(", ", ReplayRequest.StatusWords)}");
        var range = TimeRange.Parse(Since, Until, clock, ReplayRequest.MaxRange, out var rangeProblem);
        if (rangeProblem is { } late) problems.Add(late.Field, late.Message);
        return problems.Any
            ? null
            : new ReplayRequest(Destination!, status, range!.Since, range.Until, Subject, ids, DryRun ?? false, Force ?? false);
    }

    private List<Guid>? EventIdsOf(FieldProblems problems)
    {
        if (problems.IsWrongType("event_ids") || EventIds is { Count: 0 or > ReplayRequest.MaxEventIds })
        {
            problems.Add("event_ids", $"must be an array of 1 to {ReplayRequest.MaxEventIds} event ids");
            return null;
        }
        if (EventIds is null) return null;
        var ids = new List<Guid>();
        foreach (var item in EventIds)
        {
            if (item.ValueKind != JsonValueKind.String || !Guid.TryParse(item.GetString(), out var id))
            {
                problems.Add("event_ids", $"{item.GetRawText()} is not an event id (a GUID)");
                return null;
            }
            if (!ids.Contains(id)) ids.Add(id);
        }
        return ids;
    }
}
