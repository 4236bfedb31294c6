using System.Text.Json.Nodes;

namespace Pipeline.Functions.GhostMonitor;

/// <summary>
/// The push API (seed 000) in the API document. Its bodies come from <see cref="PushSegments"/>, the table the
/// validator reads, so a segment or field added there is documented with it.
/// </summary>
public sealed class PushApiDescription : IApiDescription
{
    private const string Tag = "Push";

    public IReadOnlyDictionary<string, ApiFunction> Functions { get; } = new Dictionary<string, ApiFunction>
    {
        ["PushSegment"] = ApiFunction.Of(Tag, new ApiOperation("Push one segment's figures for a site")
        {
            Description = "Validated against the segment's fields, answered, then recorded and sent to Intercom. Every " +
                          "value may be sent as a string (as the seed does) or as a JSON number.",
            Parameters = [ApiParameter.Path("segment", "The segment: " + string.Join(", ", PushSegments.Names) +
                                                       " (the seed's examples also post to platform and trial_expired).")],
            Bodies = [new ApiBody(ApiBody.Json, Body()) { Examples = Examples() }],
            Answers =
            [
                new ApiAnswer(200, "Accepted.", ApiSchema.Parse("""
                    {"type":"object","required":["code","message"],"additionalProperties":false,"properties":{"code":{"const":"200"},"message":{"const":"ok"}}}
                    """)) { Examples = new Dictionary<string, JsonNode> { ["ok"] = ApiSchema.Parse("""{"code":"200","message":"ok"}""") } },
                new ApiAnswer(400, "The body is not a JSON object, or fields are missing or malformed (message: field → problem).", ApiSchema.CodeMessage)
                {
                    Examples = new Dictionary<string, JsonNode>
                    {
                        ["fields"] = ApiSchema.Parse("""{"code":"400","message":{"site_id":"must be a string","cart_recovered":"is required (also accepted as cart_recovery)"}}"""),
                    },
                },
                new ApiAnswer(404, "Unknown segment (message: the segment and the valid ones).", ApiSchema.CodeMessage),
                new ApiAnswer(413, "The body is larger than 64 KiB.", ApiSchema.CodeMessage),
            ],
        }),
    };

    /// <summary>Any one segment's body: site_id as a string, each field (or one of its aliases) as a string or a number.</summary>
    private static JsonNode Body() => new JsonObject
    {
        ["type"] = "object",
        ["required"] = new JsonArray(PushSegments.SiteId),
        ["properties"] = new JsonObject { [PushSegments.SiteId] = ApiSchema.Parse("""{"type":"string","minLength":1}""") },
        ["anyOf"] = new JsonArray(PushSegments.All.Select(segment => (JsonNode?)Segment(segment)).ToArray()),
    };

    private static JsonObject Segment(PushSegment segment)
    {
        var fields = segment.Fields.Where(f => f.Name != PushSegments.SiteId).ToList();
        var properties = new JsonObject();
        foreach (var name in fields.SelectMany(f => f.AcceptedNames).Distinct(StringComparer.Ordinal))
            properties[name] = ApiSchema.Parse("""{"type":["string","number"]}""");
        var schema = new JsonObject { ["title"] = segment.Name, ["properties"] = properties };
        if (fields.Count > 0)
        {
            schema["allOf"] = new JsonArray(fields.Select(f => (JsonNode?)new JsonObject
            {
                ["anyOf"] = new JsonArray(f.AcceptedNames.Select(n => (JsonNode?)new JsonObject { ["required"] = new JsonArray(n) }).ToArray()),
            }).ToArray());
        }
        return schema;
    }

    // From the seed's examples (and the README's tour, which sends them).
    private static Dictionary<string, JsonNode> Examples() => new()
    {
        ["cart_recovered"] = ApiSchema.Parse("""{"site_id":"42","cart_recovered":"25"}"""),
        ["money_recovered"] = ApiSchema.Parse("""{"site_id":"42","money_recovered":"$ 5000"}"""),
        ["signup_started"] = ApiSchema.Parse("""{"site_id":"42","email":"john@doe.com","domain":"http://john-doe.com","signup_started":"Thu Feb 18 2016 14:22:45 GMT+0100 (CET)"}"""),
    };
}
