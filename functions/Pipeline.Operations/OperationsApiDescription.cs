using System.Text.Json.Nodes;
using Pipeline.Functions.Health;

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

    private static readonly ApiAnswer TooLarge = new(413, "The body is larger than the route accepts (field: body).", ApiSchema.ErrorMessage);

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
        return ApiSchema.Closed(schema);
    }

    private static JsonNode WithProperty(string name, JsonNode value, JsonNode schema)
    {
        schema["properties"]![name] = value;
        return schema;
    }

    private static JsonNode Array(JsonNode items) => new JsonObject { ["type"] = "array", ["items"] = items };

    private const string Uuid = """{"type":"string","format":"uuid"}""";
    private const string Time = """{"type":"string","format":"date-time"}""";

    /// <summary>A replay's request as <see cref="ReplayRequest.ToJson"/> echoes it, defaults filled in.</summary>
    private static readonly string ReplayRequestEcho = $$$$"""
        {"type":"object","required":["destination","status","since","until","subject","event_ids","dry_run","force"],"properties":{
          "destination":{"type":"string"},"status":{"enum":["failed","skipped","retrying","any"]},"since":{{{{Time}}}},"until":{{{{Time}}}},
          "subject":{"type":["string","null"]},"event_ids":{"type":["array","null"],"items":{{{{Uuid}}}}},
          "dry_run":{"type":"boolean"},"force":{"type":"boolean"}}}
        """;

    /// <summary>An event a replay would not send again, and why.</summary>
    private static readonly string Refusal = $$$$"""
        {"type":"object","required":["event_id","reason"],"properties":{"event_id":{{{{Uuid}}}},"reason":{"type":"string"}}}
        """;

    /// <summary>A replay's progress as <see cref="ReplayJob.ToJson"/> writes it; <paramref name="started"/>: as the start answers it.</summary>
    private static JsonNode Replay(bool started, string status)
    {
        var schema = ApiSchema.Parse($$$"""
            {"type":"object","required":["replay_id","status","request","matched","queued","refused","pages","refusals","started_at","updated_at"],
             "properties":{"replay_id":{{{Uuid}}},"status":{{{status}}},"request":{{{ReplayRequestEcho}}},
               "matched":{"type":"integer"},"queued":{"type":"integer"},"refused":{"type":"integer"},"pages":{"type":"integer"},
               "refusals":{"type":"array","maxItems":50,"items":{{{Refusal}}}},"started_at":{{{Time}}},"updated_at":{{{Time}}}}}
            """);
        if (started)
        {
            schema["required"]!.AsArray().Add("count");
            schema["required"]!.AsArray().Add("progress");
            schema["properties"]!["count"] = ApiSchema.Parse("""{"type":"integer"}""");
            schema["properties"]!["progress"] = ApiSchema.Parse("""{"type":"string","pattern":"^/api/ops/replays/[0-9a-f-]{36}$"}""");
        }
        return ApiSchema.Closed(schema);
    }

    /// <summary>What a dry run answers: the count, the first ids, what would be refused, and the request as read.</summary>
    private static JsonNode Preview() => ApiSchema.Closed(ApiSchema.Parse($$$"""
        {"type":"object","required":["count","count_is_capped","would_queue","would_refuse","event_ids","refusals","dry_run","request"],
         "properties":{"count":{"type":"integer"},"count_is_capped":{"type":"boolean"},"would_queue":{"type":"integer"},
           "would_refuse":{"type":"integer"},"event_ids":{"type":"array","maxItems":20,"items":{{{Uuid}}}},
           "refusals":{"type":"array","maxItems":20,"items":{{{Refusal}}}},"dry_run":{"enum":[true]},"request":{{{ReplayRequestEcho}}}}}
        """));

    /// <summary>
    /// One entity's dead letters as both brokers list them: the local host's poison queue (with the function and time
    /// the wrapper kept) or a Service Bus dead-letter queue (with its description, enqueued time and sequence number).
    /// An entity that could not be read says so in <c>error</c>.
    /// </summary>
    private static JsonNode DeadLetterQueue() => ApiSchema.Closed(ApiSchema.Parse("""
        {"type":"object","required":["queue","dead_letter_queue","count","messages"],"properties":{
          "queue":{"type":"string"},"dead_letter_queue":{"type":["string","null"]},"count":{"type":["integer","null"]},
          "count_note":{"type":"string"},"error":{"type":"string"},
          "messages":{"type":"array","items":{"type":"object","required":["message_id","reason","message"],"properties":{
            "message_id":{"type":"string"},"reason":{"type":["string","null"]},"error_description":{"type":["string","null"]},
            "function":{"type":["string","null"]},"delivery_count":{"type":["integer","null"]},
            "dead_lettered_at":{"type":["string","null"]},"enqueued_at":{"type":"string"},"sequence_number":{"type":"integer"},
            "event_id":{"type":["string","null"]},"event_type":{"type":["string","null"]},"subject":{"type":["string","null"]},
            "message":{}}}}}}
        """));

    /// <summary>Delivery counts by status, as the summary writes them for a destination and for each hour.</summary>
    private static JsonNode Counts(bool hour)
    {
        var schema = new JsonObject { ["type"] = "object", ["required"] = new JsonArray(), ["properties"] = new JsonObject() };
        foreach (var status in hour ? DeliveryJson.Statuses.Keys.Append("hour") : DeliveryJson.Statuses.Keys)
        {
            schema["required"]!.AsArray().Add(status);
            schema["properties"]![status] = status == "hour" ? ApiSchema.Parse(Time) : ApiSchema.Parse("""{"type":"integer","minimum":0}""");
        }
        return schema;
    }

    public IReadOnlyDictionary<string, ApiFunction> Functions { get; } = new Dictionary<string, ApiFunction>
    {
        ["ListDeliveries"] = ApiFunction.Of(Tag, Admin("One destination's deliveries in a time range",
            ApiSchema.Closed(WithProperty("deliveries", Array(Delivery(row: true)), ApiSchema.Parse("""
                {"type":"object","required":["destination","since","until","deliveries","continuation"],"properties":{
                  "destination":{"type":"string"},"since":{"type":"string"},"until":{"type":"string"},
                  "continuation":{"type":["string","null"]}}}
                """))),
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
            WithProperty("envelope",
                // The envelope as the pipeline serializes it, so the schema is the serializer's own contract.
                new JsonObject { ["anyOf"] = new JsonArray(ApiSchema.Of(PipelineJson.Default.EventEnvelope), ApiSchema.Parse("""{"type":"null"}""")) },
                ApiSchema.Closed(new JsonObject
                {
                    ["type"] = "object",
                    ["required"] = new JsonArray("event_id", "envelope", "in_event_log", "deliveries"),
                    ["properties"] = new JsonObject
                    {
                        ["event_id"] = ApiSchema.Parse("""{"type":"string","format":"uuid"}"""),
                        ["in_event_log"] = ApiSchema.Parse("""{"type":"boolean"}"""),
                        ["deliveries"] = Array(Delivery(row: false)),
                    },
                })),
            BadRequest("The id is not a GUID"),
            new ApiAnswer(404, "No such event is stored.", ApiSchema.ErrorMessage)) with
        {
            Parameters = [ApiParameter.Path("id", "The event id (a GUID).")],
        }),
        ["StartReplay"] = ApiFunction.Of(Tag, Admin("Send one destination's deliveries again",
            new JsonObject { ["anyOf"] = new JsonArray(Preview(), Replay(started: true, """{"const":"done"}""")) },
            new ApiAnswer(202, "Started: progress names the route that follows it.", Replay(started: true, """{"const":"running"}""")),
            BadRequest("The body or a field is malformed"), TooLarge) with
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
        ["GetReplay"] = ApiFunction.Of(Tag, Admin("A replay's progress", Replay(started: false, """{"enum":["running","done"]}"""),
            BadRequest("The id is not a GUID"),
            new ApiAnswer(404, "No such replay.", ApiSchema.ErrorMessage)) with
        {
            Parameters = [ApiParameter.Path("id", "The replay id (a GUID).")],
        }),
        ["ListDeadLetters"] = ApiFunction.Of(Tag, Admin("Dead-lettered messages, by queue",
            WithProperty("queues", Array(DeadLetterQueue()), ApiSchema.Parse("""
                {"type":"object","required":["supported","queues"],"additionalProperties":false,"properties":{"supported":{"type":"boolean"},
                 "message":{"type":"string"}}}
                """)),
            BadRequest("Unknown queue")) with
        {
            Parameters = [ApiParameter.Query("queue", "Only this queue.")],
        }),
        ["RequeueDeadLetters"] = ApiFunction.Of(Tag, Admin("Send dead-lettered messages back to their queue",
            ApiSchema.Closed(ApiSchema.Parse("""
                {"type":"object","required":["queue","requeued","message_ids","not_found","failed"],"properties":{
                  "queue":{"type":"string"},"requeued":{"type":"integer","minimum":0},
                  "message_ids":{"type":"array","items":{"type":"string"}},"not_found":{"type":"array","items":{"type":"string"}},
                  "failed":{"type":"array","items":{"type":"object","required":["message_id","error"],"properties":{
                    "message_id":{"type":"string"},"error":{"type":"string"}}}}}}
                """)),
            BadRequest("The body, the queue or the message ids are malformed"), TooLarge,
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
            ApiSchema.Closed(ApiSchema.Parse($$$$$"""
                {"type":"object","required":["since","until","destinations","backlog_sampled_at","backlog"],"properties":{
                  "since":{{{{{Time}}}}},"until":{{{{{Time}}}}},
                  "destinations":{"type":"array","items":{"type":"object","required":["destination","totals","truncated","hours"],"properties":{
                    "destination":{"type":"string"},"totals":{{{{{Counts(hour: false).ToJsonString()}}}}},"truncated":{"type":"boolean"},
                    "hours":{"type":"array","minItems":1,"maxItems":168,"items":{{{{{Counts(hour: true).ToJsonString()}}}}}}}}},
                  "backlog_sampled_at":{"type":["string","null"],"format":"date-time"},
                  "backlog":{{{{{HealthApiDescription.BacklogSchema}}}}}}}
                """)),
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
