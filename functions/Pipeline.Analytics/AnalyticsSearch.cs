namespace Pipeline.Functions.Analytics;

/// <summary>
/// The two search endpoints' shared rules: required <c>recording_id</c> (repeated keys or <c>recording_id[]</c>),
/// <c>customer_id</c>, <c>user_id</c> and the lead or contact id; optional <c>latest</c>, <c>page</c> and
/// <c>pageSize</c> (default 10, at most 100). At most <see cref="AnalyticsIndex.MaxRecordingsPerSearch"/> distinct recordings. Answers the seed's <c>{"recordings":[…],"meta":{page,pageSize,rowCount}}</c>.
/// </summary>
public static class AnalyticsSearch
{
    public const int DefaultPageSize = 10;
    public const int MaxPageSize = 100;

    public static async Task<HttpResponseData> HandleAsync(string entity, string entityIdParameter, HttpRequestData request,
        AnalyticsIndex index, CancellationToken cancellationToken)
    {
        var problems = new FieldProblems();
        var recordings = Values(request, "recording_id").Concat(Values(request, "recording_id[]"))
            .Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal).ToList();
        if (recordings.Count == 0) problems.Add("recording_id", "is required (one or more: recording_id=a&recording_id=b)");
        else if (recordings.Count > AnalyticsIndex.MaxRecordingsPerSearch)
            problems.Add("recording_id", $"names {recordings.Count} recordings; a search takes at most {AnalyticsIndex.MaxRecordingsPerSearch}");
        var customerId = Required(request, "customer_id", problems);
        var userId = Required(request, "user_id", problems);
        var entityId = Required(request, entityIdParameter, problems);
        var latest = Flag(request, "latest", problems);
        var page = Number(request, "page", 1, int.MaxValue, 1, problems);
        var pageSize = Number(request, "pageSize", 1, MaxPageSize, DefaultPageSize, problems);
        if (problems.Any) return AnalyticsIngest.Invalid(request, problems);

        var found = await index.SearchAsync(AnalyticsIndex.PartitionOf(entity, customerId!, userId!, entityId!), recordings, latest,
            cancellationToken);
        var listed = found.Skip((int)Math.Min((long)(page - 1) * pageSize, int.MaxValue)).Take(pageSize)
            .Select(recording => Listed(entity, entityId!, recording.Stored)).ToList();
        return request.CreateJsonResponse(HttpStatusCode.OK, new RecordingsFound(listed, new SearchPage(page, pageSize, found.Count)),
            AnalyticsJson.Default.RecordingsFound);
    }

    private static FoundRecording Listed(string entity, string entityId, JsonElement stored)
    {
        string? Text(string name) => stored.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new FoundRecording(Text("customer_id"), entity, entityId, Text("user_id"), Text("tool_signature"),
            Text("recording_id"), Text("event_type"), Text("event_id"), Text("message"), Text("created_at"), Text("updated_at"));
    }

    private static IEnumerable<string> Values(HttpRequestData request, string name) =>
        request.Query.GetValues(name) ?? [];

    private static string? Required(HttpRequestData request, string name, FieldProblems problems)
    {
        var value = Values(request, name).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        if (value is null) problems.Add(name, "is required");
        return value;
    }

    private static bool Flag(HttpRequestData request, string name, FieldProblems problems)
    {
        switch (Values(request, name).FirstOrDefault()?.ToLowerInvariant())
        {
            case null or "" or "false" or "0": return false;
            case "true" or "1": return true;
            default:
                problems.Add(name, "must be true or false");
                return false;
        }
    }

    private static int Number(HttpRequestData request, string name, int min, int max, int fallback, FieldProblems problems)
    {
        var text = Values(request, name).FirstOrDefault();
        if (string.IsNullOrEmpty(text)) return fallback;
        if (int.TryParse(text, out var value) && value >= min && value <= max) return value;
        problems.Add(name, max == int.MaxValue ? $"must be a whole number of at least {min}" : $"must be a whole number from {min} to {max}");
        return fallback;
    }
}
