namespace Pipeline.Functions.Health;

/// <summary>The health route in the API document.</summary>
public sealed class HealthApiDescription : IApiDescription
{
    /// <summary>Each entity's backlog, as <see cref="BacklogEntry"/> is written (counts are null when unread).</summary>
    public const string BacklogSchema = """
        {"type":"array","items":{"type":"object","required":["entity","active","scheduled","dead_lettered","growing","note","error"],
         "additionalProperties":false,"properties":{
          "entity":{"type":"string"},"active":{"type":["integer","null"]},"scheduled":{"type":["integer","null"]},
          "dead_lettered":{"type":["integer","null"]},"growing":{"type":"boolean"},"note":{"type":["string","null"]},
          "error":{"type":["string","null"]}}}}
        """;

    private static readonly string HealthSchema = """
        {"type":"object","required":["status","storage","reasons","backlog_sampled_at","backlog"],"additionalProperties":false,"properties":{
          "status":{"enum":["healthy","degraded","unhealthy"]},"storage":{"type":"string"},
          "reasons":{"type":"array","items":{"type":"string"}},
          "backlog_sampled_at":{"type":["string","null"],"format":"date-time"},
          "backlog":
        """ + BacklogSchema + "}}";

    public IReadOnlyDictionary<string, ApiFunction> Functions { get; } = new Dictionary<string, ApiFunction>
    {
        ["Health"] = ApiFunction.Of("Health", new ApiOperation("Whether the app can take calls")
        {
            Description = "200 healthy, or degraded with reasons (a growing backlog, dead letters, failing receives); " +
                          "503 unhealthy until storage answers.",
            Answers =
            [
                new ApiAnswer(200, "Healthy or degraded.", ApiSchema.Parse(HealthSchema)),
                new ApiAnswer(503, "Unhealthy: storage does not answer.", ApiSchema.Parse(HealthSchema)),
            ],
        }),
    };
}
