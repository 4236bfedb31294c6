using System.Text.Json.Nodes;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Operations;

/// <summary>
/// The admin API (<c>/api/ops/…</c>, keyed with X-Api-Key) and the ops page in the API document. Its errors name the
/// field at fault: <c>{"error","field","message"}</c>.
/// </summary>
public sealed class OperationsApiDescription : IApiDescription
{
    private const string Tag = "Operations";

    private static readonly ApiAnswer NoAdminKey = new(401, "The admin key is missing or wrong.", ApiSchema.ErrorMessage);

    private static ApiAnswer BadRequest(string what) => new(400, what + " (field: which).", ApiSchema.ErrorMessage);

    private static ApiOperation Admin(string summary, JsonNode ok, params ApiAnswer[] more) => new(summary)
    {
        Security = [ApiSecurity.AdminApiKey],
        Answers = [new ApiAnswer(200, "The answer.", ok), NoAdminKey, .. more],
    };

    /// <summary>
    /// A delivery as <see cref="DeliveryJson"/> writes it: a listing's row (with the event's type, subject and time) or
    /// an event's record (with its lease and attempt history). Statuses are the words the admin API reads too.
    /// </summary>
    private static JsonNode Delivery(bool row)
    {
        var status = new JsonObject { ["enum"] = new JsonArray(DeliveryJson.Statuses.Keys.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray()) };
        var schema = ApiSchema.Parse("""
            {"type":"object","required":["destination","status","attempts","http_status","error","replays","updated_at"],"properties":{
              "destination":{"type":"string"},"attempts":{"type":"integer"},"http_status":{"type":["integer","null"]},
              "error":{"type":["string","null"]},"replays":{"type":"integer"},"updated_at":{"type":"string","format":"date-time"}}}
            """);
        var properties = schema["properties"]!.AsObject();
        var required = schema["required"]!.AsArray();
        properties["status"] = status.DeepClone();
        if (row)
        {
            foreach (var name in new[] { "event_id", "event_type", "subject", "event_time" })
            {
                required.Add(name);
                properties[name] = ApiSchema.String;
            }
        }
        else
        {
            required.Add("history");
            properties["lease_until"] = ApiSchema.Parse("""{"type":["string","null"]}""");
            properties["history"] = Array(new JsonObject
            {
                ["type"] = "object",
                ["required"] = new JsonArray("attempt", "status", "started_at"),
                ["properties"] = new JsonObject
                {
                    ["attempt"] = ApiSchema.Parse("""{"type":"integer"}"""),
                    ["status"] = status.DeepClone(),
                    ["http_status"] = ApiSchema.Parse("""{"type":["integer","null"]}"""),
                    ["error"] = ApiSchema.Parse("""{"type":["string","null"]}"""),
                    ["started_at"] = ApiSchema.String,
                    ["finished_at"] = ApiSchema.Parse("""{"type":["string","null"]}"""),
                },
            });
        }
        return schema;
    }

    private static JsonNode WithProperty(string name, JsonNode value, JsonNode schema)
    {
        schema["properties"]![name] = value;
        return schema;
    }

    private static JsonNode Array(JsonNode items) => new JsonObject { ["type"] = "array", ["items"] = items };

    public IReadOnlyDictionary<string, ApiFunction> Functions { get; } = new Dictionary<string, ApiFunction>
    {
        ["ListDeliveries"] = ApiFunction.Of(Tag, Admin("One destination's deliveries in a time range",
            WithProperty("deliveries", Array(Delivery(row: true)), ApiSchema.Parse("""
                {"type":"object","required":["destination","since","until","deliveries","continuation"],"properties":{
                  "destination":{"type":"string"},"since":{"type":"string"},"until":{"type":"string"},
                  "continuation":{"type":["string","null"]}}}
                """)),
            BadRequest("A parameter is missing or malformed")) with
        {
            Parameters =
            [
                ApiParameter.Query("destination", "The destination (required).", required: true),
                ApiParameter.Query("status", "failed, skipped, retrying, delivered… or any (comma-separated)."),
                ApiParameter.Query("since", "ISO 8601 start."),
                ApiParameter.Query("until", "ISO 8601 end."),
                ApiParameter.Query("subject", "Only this subject's deliveries."),
                ApiParameter.Query("limit", "Page size.", ApiSchema.Parse("""{"type":"integer","minimum":1}""")),
                ApiParameter.Query("continuation", "The previous page's continuation."),
            ],
        }),
        ["GetEvent"] = ApiFunction.Of(Tag, Admin("One event: its envelope and every delivery of it",
            new JsonObject
            {
                ["type"] = "object",
                ["required"] = new JsonArray("event_id", "envelope", "in_event_log", "deliveries"),
                ["properties"] = new JsonObject
                {
                    ["event_id"] = ApiSchema.Parse("""{"type":"string","format":"uuid"}"""),
                    // The envelope as the pipeline serializes it, so the schema is the serializer's own contract.
                    ["envelope"] = new JsonObject { ["anyOf"] = new JsonArray(ApiSchema.Of(PipelineJson.Default.EventEnvelope), ApiSchema.Parse("""{"type":"null"}""")) },
                    ["in_event_log"] = ApiSchema.Parse("""{"type":"boolean"}"""),
                    ["deliveries"] = Array(Delivery(row: false)),
                },
            },
            BadRequest("The id is not a GUID"),
            new ApiAnswer(404, "No such event is stored.", ApiSchema.ErrorMessage)) with
        {
            Parameters = [ApiParameter.Path("id", "The event id (a GUID).")],
        }),
        ["StartReplay"] = ApiFunction.Of(Tag, Admin("Send one destination's deliveries again",
            ApiSchema.ObjectWith("count"),
            new ApiAnswer(202, "Started: progress names the route that follows it.", ApiSchema.ObjectWith("count", "progress")),
            BadRequest("The body or a field is malformed")) with
        {
            Description = "A filter (status, since, until, subject) or a list of event_ids; dry_run previews the count.",
            Bodies =
            [
                new ApiBody(ApiBody.Json, ApiSchema.Parse("""
                    {"type":"object","required":["destination"],"properties":{"destination":{"type":"string"},
                     "status":{"enum":["failed","skipped","retrying","any"]},"since":{"type":"string"},"until":{"type":"string"},
                     "subject":{"type":"string"},"event_ids":{"type":"array","minItems":1,"maxItems":100,"items":{"type":"string","format":"uuid"}},
                     "dry_run":{"type":"boolean"},"force":{"type":"boolean"}}}
                    """)) { Examples = new Dictionary<string, JsonNode> { ["failed"] = ApiSchema.Parse("""{"destination":"intercom","status":"failed","dry_run":true}""") } },
            ],
        }),
        ["GetReplay"] = ApiFunction.Of(Tag, Admin("A replay's progress", ApiSchema.Parse("""{"type":"object"}"""),
            BadRequest("The id is not a GUID"),
            new ApiAnswer(404, "No such replay.", ApiSchema.ErrorMessage)) with
        {
            Parameters = [ApiParameter.Path("id", "The replay id (a GUID).")],
        }),
        ["ListDeadLetters"] = ApiFunction.Of(Tag, Admin("Dead-lettered messages, by queue",
            ApiSchema.Parse("""
                {"type":"object","required":["supported","queues"],"properties":{"supported":{"type":"boolean"},
                 "message":{"type":"string"},"queues":{"type":"array","items":{"type":"object"}}}}
                """),
            BadRequest("Unknown queue")) with
        {
            Parameters = [ApiParameter.Query("queue", "Only this queue.")],
        }),
        ["RequeueDeadLetters"] = ApiFunction.Of(Tag, Admin("Send dead-lettered messages back to their queue",
            ApiSchema.Parse("""{"type":"object"}"""),
            BadRequest("The body, the queue or the message ids are malformed"),
            new ApiAnswer(409, "This broker's dead letters cannot be reached.", ApiSchema.ErrorMessage)) with
        {
            Bodies =
            [
                new ApiBody(ApiBody.Json, ApiSchema.Parse("""
                    {"type":"object","required":["queue","message_ids"],"properties":{"queue":{"type":"string"},
                     "message_ids":{"type":"array","minItems":1,"maxItems":500,"items":{"type":"string"}}}}
                    """)),
            ],
        }),
        ["DeliverySummary"] = ApiFunction.Of(Tag, Admin("Deliveries per destination and hour, and the backlog",
            ApiSchema.Parse("""
                {"type":"object","required":["since","until","destinations","backlog_sampled_at","backlog"],"properties":{
                  "since":{"type":"string"},"until":{"type":"string"},"destinations":{"type":"array","items":{"type":"object"}},
                  "backlog_sampled_at":{"type":["string","null"]},"backlog":{"type":"array"}}}
                """),
            BadRequest("hours is out of range")) with
        {
            Parameters = [ApiParameter.Query("hours", "How many hours back, 1 to 168.", ApiSchema.Parse("""{"type":"integer","minimum":1,"maximum":168}"""))],
        }),
        ["OpsPage"] = ApiFunction.Of(Tag, new ApiOperation("The ops page (enter the admin key there)")
        {
            Parameters = [ApiParameter.Query("asset", "One of the page's files: ops.css, ops.js.")],
            Answers =
            [
                new ApiAnswer(200, "The page (text/html), or the file asked for.", ApiSchema.String, "text/html"),
                new ApiAnswer(404, "The page has no file of that name.", ApiSchema.ErrorMessage),
            ],
        }),
    };
}
