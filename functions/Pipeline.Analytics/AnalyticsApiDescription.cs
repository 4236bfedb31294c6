using System.Text.Json.Nodes;

namespace Pipeline.Functions.Analytics;

/// <summary>
/// The Data Analytics Service routes (seed 002) in the API document. The create bodies come from
/// <see cref="AnalyticsKind"/>'s field lists, the ones the validator checks.
/// </summary>
public sealed class AnalyticsApiDescription : IApiDescription
{
    private const string Tag = "Analytics";

    public IReadOnlyDictionary<string, ApiFunction> Functions { get; } = new Dictionary<string, ApiFunction>
    {
        ["CreateAnalyticsEvent"] = ApiFunction.Of(Tag, Create(AnalyticsKind.Generic, ApiSchema.Parse("""
            {"customer_id":"customer_id","entity_id":"ID","entity_type":"lead or contact","user_id":"current user ID",
             "tool_signature":"tool signature","recording_id":"gpdb recording ID","event_type":"view","event_id":"event ID",
             "message":"message","javascript_local_time":"local_time","apex_local_time":"local_time","event_environment_path":"path",
             "name_parser_event_id":"event_id","recommendation_model_event_id":"event_id","version_info":{"key":"value"}}
            """))),
        ["CreateLeadAnalyticsEvent"] = ApiFunction.Of(Tag, Create(AnalyticsKind.Lead, ApiSchema.Parse("""
            {"customer_id":"c1","lead_id":"l1","user_id":"u1","recording_id":"r1","event_type":"view","event_id":"e1"}
            """))),
        ["CreateContactAnalyticsEvent"] = ApiFunction.Of(Tag, Create(AnalyticsKind.Contact, ApiSchema.Parse("""
            {"customer_id":"c1","contact_id":"k1","user_id":"u1","recording_id":"r1","event_type":"view","event_id":"e1"}
            """))),
        ["SearchLeadAnalytics"] = ApiFunction.Of(Tag, Search("lead", "lead_id")),
        ["SearchContactAnalytics"] = ApiFunction.Of(Tag, Search("contact", "contact_id")),
    };

    private static ApiOperation Create(AnalyticsKind kind, JsonNode example) => new($"Create a {kind.EntityType.Replace('_', ' ')}")
    {
        Description = "Answered 201 with the stored entity, then recorded and indexed for the search.",
        Bodies = [new ApiBody(ApiBody.Json, Body(kind)) { Examples = new Dictionary<string, JsonNode> { ["seed"] = example } }],
        Answers =
        [
            new ApiAnswer(201, "Stored: the known fields sent, with the seed's entityType, partitionKey, sortKey and times.",
                Stored(kind)),
            new ApiAnswer(400, "The body is not a JSON object.", MessageOnly()),
            new ApiAnswer(413, "The body is larger than the route accepts.", MessageOnly()),
            new ApiAnswer(422, "Fields are missing or malformed (errors: field → problem).", Invalid()),
        ],
    };

    /// <summary>
    /// The stored entity: the body's known fields as sent (the lead and contact routes also keep an entity_id and
    /// entity_type sent alongside, unchecked), and the seed's entityType, partitionKey, sortKey and times.
    /// </summary>
    private static JsonNode Stored(AnalyticsKind kind)
    {
        var schema = Body(kind);
        var properties = schema["properties"]!.AsObject();
        foreach (var name in new[] { "entity_id", "entity_type" })
            if (!properties.ContainsKey(name)) properties[name] = new JsonObject();
        properties["entityType"] = new JsonObject { ["const"] = kind.EntityType };
        properties["partitionKey"] = ApiSchema.Parse($$"""{"type":"string","pattern":"^{{kind.PartitionLabel}}[|][0-9a-f-]{36}$"}""");
        properties["sortKey"] = ApiSchema.Parse("""{"type":"string","minLength":1}""");
        properties["created_at"] = ApiSchema.String;
        properties["updated_at"] = ApiSchema.String;
        foreach (var name in new[] { "entityType", "partitionKey", "sortKey", "created_at", "updated_at" }) schema["required"]!.AsArray().Add(name);
        return ApiSchema.Closed(schema);
    }

    private static JsonNode Body(AnalyticsKind kind)
    {
        var id = ApiSchema.Parse("""{"type":"string","minLength":1}""");
        var required = AnalyticsKind.RequiredFields.Concat(kind.EntityIdField is null ? ["entity_id", "entity_type"] : []).ToList();
        var properties = new JsonObject();
        foreach (var name in required) properties[name] = id.DeepClone();
        foreach (var name in AnalyticsKind.OptionalTextFields) properties[name] = ApiSchema.Parse("""{"type":["string","null"]}""");
        properties["version_info"] = ApiSchema.Parse("""{"type":["object","null"]}""");
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray(required.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
            ["properties"] = properties,
        };
        if (kind.EntityIdField is { } field)
        {
            // The browser-extension variant names the lead or contact as entity_id instead (then kept as the id).
            properties[field] = id.DeepClone();
            properties["entity_id"] = new JsonObject();
            schema["anyOf"] = new JsonArray(
                new JsonObject { ["required"] = new JsonArray(field) },
                new JsonObject { ["required"] = new JsonArray("entity_id"), ["properties"] = new JsonObject { ["entity_id"] = id.DeepClone() } });
        }
        return schema;
    }

    private static ApiOperation Search(string entity, string idParameter) => new($"Search {entity} analytics events by recording")
    {
        Parameters =
        [
            ApiParameter.Query("recording_id", "One or more recordings (repeat the key, or recording_id[]).",
                ApiSchema.Parse("""{"type":"array","items":{"type":"string"}}"""), required: true),
            ApiParameter.Query("customer_id", "The customer.", required: true),
            ApiParameter.Query("user_id", "The user.", required: true),
            ApiParameter.Query(idParameter, $"The {entity}.", required: true),
            ApiParameter.Query("latest", "true: only each recording's latest event.", ApiSchema.Parse("""{"type":"boolean"}""")),
            ApiParameter.Query("page", "Page number, from 1.", ApiSchema.Parse("""{"type":"integer","minimum":1}""")),
            ApiParameter.Query("pageSize", $"Page size, 1 to {AnalyticsSearch.MaxPageSize} (default {AnalyticsSearch.DefaultPageSize}).",
                ApiSchema.Parse($$"""{"type":"integer","minimum":1,"maximum":{{AnalyticsSearch.MaxPageSize}}}""")),
        ],
        Answers =
        [
            new ApiAnswer(200, "The recordings' events, in the seed's shape.", ApiSchema.Closed(ApiSchema.Parse($$$$$$"""
                {"type":"object","required":["recordings","meta"],"properties":{
                  "recordings":{"type":"array","items":{"type":"object","required":["customer_id","entity_type","entity_id","user_id",
                    "tool_signature","recording_id","event_type","event_id","message","created_at","updated_at"],
                    "properties":{"customer_id":{"type":"string"},"entity_type":{"const":"{{{{{{entity}}}}}}"},"entity_id":{"type":"string"},
                      "user_id":{"type":"string"},"tool_signature":{"type":["string","null"]},"recording_id":{"type":"string"},
                      "event_type":{"type":"string"},"event_id":{"type":"string"},"message":{"type":["string","null"]},
                      "created_at":{"type":"string"},"updated_at":{"type":"string"}}}},
                  "meta":{"type":"object","required":["page","pageSize","rowCount"],"properties":{
                    "page":{"type":"integer","minimum":1},"pageSize":{"type":"integer","minimum":1},"rowCount":{"type":"integer","minimum":0}}}}}
                """))),
            new ApiAnswer(422, "Parameters are missing or malformed (errors: parameter → problem).", Invalid()),
        ],
    };

    private static JsonNode MessageOnly() => ApiSchema.Parse("""
        {"type":"object","required":["message"],"properties":{"message":{"type":"string"}}}
        """);

    private static JsonNode Invalid() => ApiSchema.Parse("""
        {"type":"object","required":["message","errors"],"properties":{"message":{"type":"string"},
         "errors":{"type":"object","additionalProperties":{"type":"string"}}}}
        """);
}
