using Pipeline.Functions.Tracking;

namespace Pipeline.Functions.IAdvize;

/// <summary>One line of the agent's visitor-profile panel (the connector's visitor-profile answer).</summary>
public sealed record ProfileField(string Id, string Label, string Value, string FieldType = "TEXT");

/// <summary>
/// What the pipeline knows of a visitor, for the connector's visitor profile: identity, first and last seen, recent
/// tracking actions, analytics views, iAdvize conversations and average satisfaction. The visitor is found by our
/// tracking id (<c>idVisitorExternal</c>, the <c>external_id</c> the sync sets), by email, or by iAdvize unique id.
/// </summary>
public sealed class VisitorProfile(IAdvizeVisitors visitors, SubjectHistory history)
{
    public const int RecentActions = 5;

    public sealed record Filters(string? Email, string? ExternalId, string? UniqueId, bool French);

    public async Task<List<ProfileField>> BuildAsync(Filters filters, CancellationToken cancellationToken)
    {
        var ours = new SortedSet<string>(StringComparer.Ordinal);
        var emails = new SortedSet<string>(StringComparer.Ordinal);
        var phones = new SortedSet<string>(StringComparer.Ordinal);
        var uniques = new SortedSet<string>(StringComparer.Ordinal);
        if (filters.ExternalId is { } external) ours.Add(external);
        if (filters.Email is { } email)
        {
            foreach (var id in await visitors.VisitorsOfEmailAsync(email, cancellationToken)) ours.Add(id);
        }
        if (filters.UniqueId is { } unique)
        {
            uniques.Add(unique);
            if (await visitors.VisitorOfUniqueIdAsync(unique, cancellationToken) is { } linked) ours.Add(linked);
        }

        var links = new List<VisitorLink>();
        var tracking = new List<EventEnvelope>();
        foreach (var id in ours.ToList())
        {
            var link = await visitors.FindAsync(id, cancellationToken);
            var events = await history.ReadAsync(TrackingRequest.VisitorSubject(id), cancellationToken);
            if (link is null && events.Count == 0)
            {
                ours.Remove(id); // not a visitor of ours
                continue;
            }
            if (link is not null) links.Add(link);
            tracking.AddRange(events);
        }
        foreach (var link in links)
        {
            if (link.Email is { } e) emails.Add(IAdvizeVisitors.NormaliseEmail(e));
            if (link.Phone is { } p) phones.Add(p);
            if (link.UniqueId is { } u) uniques.Add(u);
        }
        if (ours.Count > 0 && filters.Email is { } asked) emails.Add(IAdvizeVisitors.NormaliseEmail(asked));

        var iadvizeEvents = new List<EventEnvelope>();
        foreach (var uniqueId in uniques) iadvizeEvents.AddRange(await history.ReadAsync(IAdvizeSubjects.Visitor(uniqueId), cancellationToken));
        var views = new List<AnalyticsView>();
        foreach (var entity in ours.Concat(emails).Distinct()) views.AddRange(await visitors.AnalyticsOfAsync(entity, 1000, cancellationToken));

        if (ours.Count == 0 && iadvizeEvents.Count == 0 && views.Count == 0) return [];
        return Fields(filters.French, ours, emails, phones, uniques, links, tracking, iadvizeEvents, views);
    }

    private static List<ProfileField> Fields(bool fr, IEnumerable<string> ours, IEnumerable<string> emails, IEnumerable<string> phones,
        IEnumerable<string> uniques, List<VisitorLink> links, List<EventEnvelope> tracking, List<EventEnvelope> iadvize, List<AnalyticsView> views)
    {
        var fields = new List<ProfileField>();
        void Add(string id, string en, string french, string? value)
        {
            if (!string.IsNullOrEmpty(value)) fields.Add(new ProfileField(id, fr ? french : en, value));
        }

        Add("1", "Visitor id", "Identifiant visiteur", string.Join(", ", ours));
        Add("2", "Email", "E-mail", string.Join(", ", emails));
        Add("3", "Phone", "Téléphone", string.Join(", ", phones));
        Add("4", "iAdvize visitor", "Visiteur iAdvize", string.Join(", ", uniques));

        var seen = tracking.Select(e => e.ReceivedAt).Concat(links.Select(l => l.FirstSeenAt).OfType<DateTimeOffset>()).ToList();
        if (seen.Count > 0)
        {
            Add("5", "First seen", "Vu pour la première fois", Date(seen.Min()));
            Add("6", "Last seen", "Vu pour la dernière fois", Date(seen.Max()));
        }

        var actions = tracking.Where(e => e.Type is TrackingEvents.WebSend or TrackingEvents.MobileSend)
            .OrderByDescending(e => e.ReceivedAt).Take(RecentActions)
            .Select(e => (e.ReceivedAt, Action: TrackingActionSent.Read(e)))
            .Select(e => $"{Date(e.ReceivedAt)} {e.Action.ActionType ?? "action"}{Details(e.Action.AdditionalData)}")
            .ToList();
        Add("7", "Recent actions", "Actions récentes", string.Join("; ", actions));

        if (views.Count > 0)
        {
            var latest = views.MaxBy(v => v.At)!;
            var count = views.Select(v => (v.EntityId, v.At, v.EventType)).Distinct().Count();
            Add("8", "Analytics views", "Vues analytics", fr
                ? $"{count} (dernière : {latest.EventType}{(latest.Recording is { } r ? $", enregistrement {r}" : "")}, {Date(latest.At)})"
                : $"{count} (latest: {latest.EventType}{(latest.Recording is { } r2 ? $", recording {r2}" : "")}, {Date(latest.At)})");
        }

        var conversations = iadvize.Where(e => e.Type is IAdvizeEvents.ConversationStarted or IAdvizeEvents.ConversationClosed)
            .Select(e => EventData.Id(e.Data, "conversationId") ?? e.Id.ToString()).Distinct().Count();
        if (conversations > 0) Add("9", "Conversations", "Conversations", conversations.ToString(CultureInfo.InvariantCulture));

        var scores = iadvize.Where(e => e.Type == IAdvizeEvents.SatisfactionFilled)
            .Select(e => SatisfactionFilled.Read(e).Score).OfType<double>().ToList();
        if (scores.Count > 0)
        {
            var average = scores.Average().ToString("0.#", CultureInfo.InvariantCulture);
            if (fr) average = average.Replace('.', ','); // the app runs with invariant globalization: no fr-FR culture
            Add("10", "Average satisfaction", "Satisfaction moyenne",
                fr ? $"{average} ({scores.Count} note{(scores.Count > 1 ? "s" : "")})" : $"{average} ({scores.Count} rating{(scores.Count > 1 ? "s" : "")})");
        }
        return fields;
    }

    private static string? Details(JsonElement? additionalData)
    {
        if (additionalData is not { } additional) return null;
        var parts = additional.EnumerateObject().Take(3).Select(p => p.Value.ValueKind switch
        {
            JsonValueKind.Array => $"{p.Name}: {string.Join(", ", p.Value.EnumerateArray().Take(3).Select(v => v.ValueKind == JsonValueKind.Object ? EventData.Id(v, "name") ?? "…" : v.ToString()))}",
            JsonValueKind.Object => p.Name,
            _ => $"{p.Name}: {p.Value}",
        }).ToList();
        return parts.Count == 0 ? null : $" ({string.Join("; ", parts)})";
    }

    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
