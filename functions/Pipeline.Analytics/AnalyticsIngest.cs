namespace Pipeline.Functions.Analytics;

/// <summary>
/// The create endpoints' shared rules: validate (422 with field errors), answer 201 with the stored entity in the
/// seed's shape, and put the event on <c>events</c>; the Recorder indexes it for search.
/// </summary>
public static class AnalyticsIngest
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxIdLength = 256;
    public const string Source = "data-analytics-service";

    public static AnalyticsOutput Handle(AnalyticsKind kind, HttpRequestData request, TimeProvider clock)
    {
        if (RequestBodies.ReadJsonObject(request, MaxBodyBytes, out var body) is { } refused)
            return Refused(Error(request, (int)refused.Status, refused.Message));

        var problems = new FieldProblems();
        foreach (var field in AnalyticsKind.RequiredFields) RequireId(body, field, problems);
        var (entity, entityIdField) = Entity(kind, body, problems);
        foreach (var field in AnalyticsKind.OptionalTextFields)
        {
            if (body.TryGetProperty(field, out var value) && value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                problems.Add(field, "must be a string");
        }
        if (body.TryGetProperty("version_info", out var version) && version.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            problems.Add("version_info", "must be an object of key/value pairs");
        else if (JsonDepth.FirstTooDeep(body) is { } tooDeep)
            problems.Add(tooDeep, JsonDepth.Problem);
        if (problems.Any) return Refused(Invalid(request, problems));

        var entityId = body.GetProperty(entityIdField!).GetString()!;
        var id = Guid.CreateVersion7(clock.GetUtcNow());
        var now = AnalyticsIndex.Timestamp(clock.GetUtcNow());
        var stored = RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            foreach (var property in body.EnumerateObject().Where(p => IsKnown(kind, p.Name))) property.WriteTo(w);
            w.WriteString("entityType", kind.EntityType);
            w.WriteString("partitionKey", $"{kind.PartitionLabel}|{id}");
            w.WriteString("sortKey", body.GetProperty("customer_id").GetString());
            w.WriteString("created_at", now);
            w.WriteString("updated_at", now);
            w.WriteEndObject();
        });
        using var answered = JsonDocument.Parse(stored);
        var data = JsonSerializer.SerializeToElement(new AnalyticsEventData(entity!, entityId, answered.RootElement),
            AnalyticsJson.Default.AnalyticsEventData);
        var envelope = new EventEnvelope(id, kind.EventType, Source, "customer:" + body.GetProperty("customer_id").GetString(),
            clock.GetUtcNow(), data).InCurrentTrace();
        return new AnalyticsOutput { Response = request.CreateJsonResponse(HttpStatusCode.Created, stored), Event = envelope.ToJson() };
    }

    /// <summary>Which lead or contact the event is about, and the field that names it.</summary>
    private static (string? Entity, string? Field) Entity(AnalyticsKind kind, JsonElement body, FieldProblems problems)
    {
        if (kind.FixedEntity is { } fixedEntity)
        {
            // The browser-extension variant of lead_analytics names the lead as entity_id.
            var field = body.TryGetProperty(kind.EntityIdField!, out _) || !body.TryGetProperty("entity_id", out _)
                ? kind.EntityIdField!
                : "entity_id";
            RequireId(body, field, problems);
            return (fixedEntity, field);
        }
        RequireId(body, "entity_id", problems);
        // The seed's own example sends "lead or contact"; any text is stored, and "lead"/"contact" are searchable.
        RequireId(body, "entity_type", problems);
        var type = body.TryGetProperty("entity_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        return (type, "entity_id");
    }

    private static void RequireId(JsonElement body, string field, FieldProblems problems)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) problems.Add(field, "is required");
        else if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString())) problems.Add(field, "must be a non-empty string");
        else if (value.GetString()!.Length > MaxIdLength) problems.Add(field, $"must be at most {MaxIdLength} characters");
    }

    private static bool IsKnown(AnalyticsKind kind, string name) =>
        AnalyticsKind.RequiredFields.Contains(name) || AnalyticsKind.OptionalTextFields.Contains(name)
        || name is "version_info" or "entity_id" or "entity_type" || name == kind.EntityIdField;

    private static AnalyticsOutput Refused(HttpResponseData response) => new() { Response = response };

    public static HttpResponseData Invalid(HttpRequestData request, FieldProblems problems) =>
        request.CreateJsonResponse(HttpStatusCode.UnprocessableEntity, new AnalyticsFieldsRefused("validation failed", problems.All),
            AnalyticsJson.Default.AnalyticsFieldsRefused);

    public static HttpResponseData Error(HttpRequestData request, int status, string message) =>
        request.CreateJsonResponse((HttpStatusCode)status, new AnalyticsRefusal(message), AnalyticsJson.Default.AnalyticsRefusal);
}

/// <summary>A create endpoint's answer, and the stored event for <c>events</c> (none when refused).</summary>
public sealed class AnalyticsOutput
{
    [HttpResult]
    public required HttpResponseData Response { get; init; }

    [ServiceBusOutput(QueueNames.Events)]
    public JsonElement? Event { get; init; }
}
