namespace Pipeline.Functions.Intercom;

/// <summary>The statistics sweep's two routes in the API document: the seed's <c>GET /all</c> and its admin progress.</summary>
public sealed class IntercomApiDescription : IApiDescription
{
    public IReadOnlyDictionary<string, ApiFunction> Functions { get; } = new Dictionary<string, ApiFunction>
    {
        ["StartStatisticsSweep"] = ApiFunction.Of("Push", new ApiOperation("Start the statistics sweep")
        {
            Description = "Starts the sweep that resends every changed site's statistics to Intercom, or reports the one " +
                          "running. Answers at once.",
            Parameters = [ApiParameter.Query("force", "true (or 1): resend every site's statistics, changed or not.",
                ApiSchema.Parse("""{"type":"string","enum":["true","false","1","0"]}"""))],
            Answers =
            [
                new ApiAnswer(200, "Started, resumed, or already running; message says when a force was not applied.", ApiSchema.Parse("""
                    {"type":"object","required":["content","sweepId","status","force"],"additionalProperties":false,"properties":{
                      "content":{"const":"ok"},"sweepId":{"type":"string"},
                      "status":{"enum":["started","resumed","already running"]},"force":{"type":"boolean"},
                      "message":{"type":"string"}}}
                    """)),
            ],
        }),
        ["GetSweep"] = ApiFunction.Of("Operations", new ApiOperation("The statistics sweep's progress")
        {
            Security = [ApiSecurity.AdminApiKey],
            Answers =
            [
                new ApiAnswer(200, "The last sweep, or status never_run.", ApiSchema.Parse("""
                    {"oneOf":[
                      {"type":"object","required":["status"],"additionalProperties":false,"properties":{"status":{"const":"never_run"}}},
                      {"type":"object","additionalProperties":false,
                       "required":["sweep_id","status","force","pages","page_size","enqueued","started_at","updated_at"],"properties":{
                        "status":{"enum":["running","done","stalled"]},"sweep_id":{"type":"string","format":"uuid"},
                        "force":{"type":"boolean"},"pages":{"type":"integer","minimum":0},"page_size":{"type":"integer","minimum":1},
                        "enqueued":{"type":"integer","minimum":0},"started_at":{"type":"string","format":"date-time"},
                        "updated_at":{"type":"string","format":"date-time"}}}]}
                    """)),
                new ApiAnswer(401, "The admin key is missing or wrong.", ApiSchema.ErrorMessage),
            ],
        }),
    };
}
