using System.Text.Json.Nodes;

namespace Pipeline.Functions.Reportei;

/// <summary>
/// The Reportei routes (seed 004) in the API document: metrics for a registered integration, at once or by signed
/// callback, the jobs those callbacks run as, and the integrations registry (an admin route).
/// </summary>
public sealed class ReporteiApiDescription : IApiDescription
{
    private const string Tag = "Reportei";

    private static readonly ApiAnswer Unauthorized = new(401, "The bearer token is missing or not valid.", ApiSchema.ErrorMessage)
    {
        Headers = new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" },
    };

    private static readonly ApiAnswer NoAdminKey = new(401, "The admin key is missing or wrong.", ApiSchema.ErrorMessage);

    public IReadOnlyDictionary<string, ApiFunction> Functions { get; } = new Dictionary<string, ApiFunction>
    {
        ["MetricsGetData"] = ApiFunction.Of(Tag, new ApiOperation("Metrics of an integration, answered at once")
        {
            Security = [ApiSecurity.ReporteiBearer],
            Bodies = [new ApiBody(ApiBody.Json, Request(async: false)) { Examples = new Dictionary<string, JsonNode> { ["seed"] = SeedRequest() } }],
            Answers =
            [
                new ApiAnswer(200, "Each metric by its id: its values (and comparison), or why it cannot be answered.", Values())
                {
                    Examples = new Dictionary<string, JsonNode> { ["seed"] = ApiSchema.Parse("""{"b03f07f5-d54a-4df4-b5ff-2448f21c3450":{"values":55645}}""") },
                },
                .. Errors(),
                Unauthorized,
                new ApiAnswer(404, "The customer_integration is not registered.", Message()),
            ],
        }),
        ["MetricsGetDataAsync"] = ApiFunction.Of(Tag, new ApiOperation("Metrics of an integration, posted to a signed callback")
        {
            Security = [ApiSecurity.ReporteiBearer],
            Bodies = [new ApiBody(ApiBody.Json, Request(async: true)) { Examples = new Dictionary<string, JsonNode> { ["seed"] = SeedRequest("https://example.com/metrics") } }],
            Answers =
            [
                new ApiAnswer(200, "Accepted: the job that will post the metrics.", ApiSchema.Closed(ApiSchema.Parse("""
                    {"type":"object","required":["status","job_id"],"properties":{"status":{"const":"accepted"},"job_id":{"type":"string","format":"uuid"}}}
                    """))),
                .. Errors(),
                Unauthorized,
                new ApiAnswer(404, "The customer_integration is not registered.", Message()),
                new ApiAnswer(503, "Callbacks cannot be signed yet (no webhook secret).", Message()),
            ],
        }),
        ["MetricsJob"] = ApiFunction.Of(Tag, new ApiOperation("One callback job: its status and attempts")
        {
            Security = [ApiSecurity.ReporteiBearer],
            Parameters = [ApiParameter.Path("job_id", "The job_id get-data-async answered.")],
            Answers =
            [
                new ApiAnswer(200, "The job.", Job()),
                Unauthorized,
                new ApiAnswer(404, "No such job.", Message()),
                new ApiAnswer(422, "job_id is not a uuid.", Invalid()),
            ],
        }),
        ["AdminMetricsJobs"] = ApiFunction.Of("Operations", new ApiOperation("The newest metrics callback jobs")
        {
            Security = [ApiSecurity.AdminApiKey],
            Parameters = [ApiParameter.Query("limit", "How many, newest first.", ApiSchema.Parse("""{"type":"integer","minimum":1}"""))],
            Answers =
            [
                new ApiAnswer(200, "The jobs.", ApiSchema.Closed(new JsonObject
                {
                    ["type"] = "object", ["required"] = new JsonArray("jobs"),
                    ["properties"] = new JsonObject { ["jobs"] = new JsonObject { ["type"] = "array", ["items"] = Job() } },
                })),
                NoAdminKey,
                new ApiAnswer(422, "limit is out of range.", Invalid()),
            ],
        }),
        ["MetricsIntegration"] = new(Tag, new Dictionary<string, ApiOperation>
        {
            ["get"] = new("An integration's registration")
            {
                Security = [ApiSecurity.AdminApiKey],
                Answers = [new ApiAnswer(200, "The registration.", Integration()), NoAdminKey, NotRegistered(), BadId()],
            },
            ["put"] = new("Register an integration, or change its registration")
            {
                Security = [ApiSecurity.AdminApiKey],
                Bodies = [new ApiBody(ApiBody.Json, IntegrationBody()) { Examples = new Dictionary<string, JsonNode> { ["site"] = ApiSchema.Parse("""{"site_id":"42","tracking_app_key":"571e64183647a855d0sgf3a3"}""") } }],
                Answers =
                [
                    new ApiAnswer(200, "The registration as stored.", Integration()), NoAdminKey,
                    new ApiAnswer(400, "The body is not a JSON object.", Message()),
                    new ApiAnswer(413, "The body is larger than 16 KiB.", Message()),
                    BadId(),
                ],
            },
            ["delete"] = new("Remove an integration's registration")
            {
                Security = [ApiSecurity.AdminApiKey],
                Answers = [new ApiAnswer(204, "Removed.", null), NoAdminKey, NotRegistered(), BadId()],
            },
        }),
    };

    private static JsonNode Request(bool async)
    {
        var schema = ApiSchema.Parse("""
            {"type":"object","required":["customer_integration","start","end","metrics"],"properties":{
              "customer_integration":{"type":"string","format":"uuid"},
              "start":{"type":"string","format":"date"},"end":{"type":"string","format":"date"},
              "comparison_start":{"type":"string","format":"date"},"comparison_end":{"type":"string","format":"date"},
              "metrics":{"type":"array","minItems":1,"maxItems":50,"items":{"type":"object",
                "required":["id","reference_key","component","metrics","dimensions"],"properties":{
                  "id":{"type":"string"},"reference_key":{"type":"string"},"component":{"type":"string"},
                  "metrics":{"type":"array","items":{"type":"string"}},"dimensions":{"type":"array","items":{"type":"string"}}}}}}}
            """);
        if (async)
        {
            ((JsonArray)schema["required"]!).Add("metrics_webhook_url");
            schema["properties"]!["metrics_webhook_url"] = ApiSchema.Parse("""{"type":"string","format":"uri"}""");
        }
        return schema;
    }

    private static JsonNode SeedRequest(string? webhook = null)
    {
        var example = ApiSchema.Parse("""
            {"customer_integration":"4addc0da-8583-4dbb-a0e9-c7e2e8470f50","start":"2024-01-01","end":"2024-09-01",
             "metrics":[{"id":"b03f07f5-d54a-4df4-b5ff-2448f21c3450","reference_key":"ig:story_replies","component":"number_v1",
                         "metrics":["replies"],"dimensions":["stories"]}]}
            """);
        if (webhook is not null) example["metrics_webhook_url"] = webhook;
        return example;
    }

    /// <summary>
    /// Metric id → its answer: <c>values</c> (and <c>comparison</c> for the comparison period), or the <c>error</c> that
    /// says why it cannot be answered. A value is a number (null: an average of nothing), counts by name (a breakdown
    /// such as iAdvize channels), or for a timeseries component one of those per day.
    /// </summary>
    private static JsonNode Values()
    {
        const string single = """
            {"anyOf":[{"type":["number","null"]},{"type":"object","additionalProperties":{"type":"integer","minimum":0}}]}
            """;
        var value = $$$$"""
            {"anyOf":[{{{{single}}}},{"type":"array","items":{"type":"object","required":["date","value"],"additionalProperties":false,
              "properties":{"date":{"type":"string","pattern":"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},"value":{{{{single}}}}}}}]}
            """;
        return ApiSchema.Parse($$$$"""
            {"type":"object","additionalProperties":{"oneOf":[
              {"type":"object","required":["values"],"additionalProperties":false,"properties":{"values":{{{{value}}}},"comparison":{{{{value}}}}}},
              {"type":"object","required":["error"],"additionalProperties":false,"properties":{"error":{"type":"string"}}}]}}
            """);
    }

    private static IEnumerable<ApiAnswer> Errors() =>
    [
        new ApiAnswer(400, "The body is not a JSON object.", Message()),
        new ApiAnswer(413, "The body is larger than 64 KiB.", Message()),
        new ApiAnswer(422, "Fields are missing or malformed (errors: field → problem).", Invalid()),
    ];

    private static JsonNode Job() => ApiSchema.Closed(ApiSchema.Parse("""
        {"type":"object","required":["job_id","status","attempts"],"properties":{
          "job_id":{"type":"string","format":"uuid"},"status":{"enum":["pending","delivered","retrying","failed","gone"]},
          "created_at":{"type":"string","format":"date-time"},"next_attempt_at":{"type":"string","format":"date-time"},
          "attempts":{"type":"array","items":{"type":"object","required":["attempt","at","status_code","duration_ms","error","response_excerpt"],"properties":{
            "attempt":{"type":"integer","minimum":1},"at":{"type":"string","format":"date-time"},"status_code":{"type":["integer","null"]},
            "duration_ms":{"type":"integer","minimum":0},"error":{"type":["string","null"]},"response_excerpt":{"type":["string","null"]}}}}}}
        """));

    private static JsonNode Integration()
    {
        var properties = new JsonObject { ["customer_integration"] = ApiSchema.Parse("""{"type":"string","format":"uuid"}""") };
        foreach (var field in MetricsIntegration.Fields) properties[field] = ApiSchema.Parse("""{"type":["string","null"]}""");
        return ApiSchema.Closed(new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray(MetricsIntegration.Fields.Prepend("customer_integration").Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
            ["properties"] = properties,
        });
    }

    private static JsonNode IntegrationBody()
    {
        var properties = new JsonObject();
        foreach (var field in MetricsIntegration.Fields) properties[field] = ApiSchema.Parse("""{"type":["string","null"]}""");
        return new JsonObject { ["type"] = "object", ["minProperties"] = 1, ["additionalProperties"] = false, ["properties"] = properties };
    }

    private static ApiAnswer NotRegistered() => new(404, "The customer_integration is not registered.", Message());

    private static ApiAnswer BadId() => new(422, "customer_integration is not a uuid, or the body names no field.", Invalid());

    /// <summary>Reportei's <c>{"message":…}</c>.</summary>
    private static JsonNode Message() => ApiSchema.Parse("""
        {"type":"object","required":["message"],"additionalProperties":false,"properties":{"message":{"type":"string"}}}
        """);

    /// <summary>Reportei's 422: <c>{"message":…,"errors":{field: problem}}</c>.</summary>
    private static JsonNode Invalid() => ApiSchema.Parse("""
        {"type":"object","required":["message","errors"],"additionalProperties":false,"properties":{"message":{"type":"string"},
         "errors":{"type":"object","additionalProperties":{"type":"string"}}}}
        """);
}
