using System.Text.Json.Nodes;

namespace Pipeline.Functions.IAdvize;

/// <summary>The iAdvize routes (seed 003) in the API document: the signed webhook and the connector's two URLs.</summary>
public sealed class IAdvizeApiDescription : IApiDescription
{
    private const string Tag = "iAdvize";

    private static readonly ApiAnswer BadToken = new(401, "The token query parameter is missing or wrong.", ApiSchema.ErrorMessage);

    public IReadOnlyDictionary<string, ApiFunction> Functions { get; } = new Dictionary<string, ApiFunction>
    {
        ["IAdvizeWebhook"] = ApiFunction.Of(Tag, new ApiOperation("Receive one iAdvize webhook")
        {
            Description = "Signed with the HMAC of the exact bytes sent. Sent again, the same eventId answers duplicate: true " +
                          "and is stored once.",
            Security = [ApiSecurity.IAdvizeSignature],
            Bodies =
            [
                new ApiBody(ApiBody.Json, Event()) { Examples = new Dictionary<string, JsonNode> { ["satisfaction.filled"] = SeedEvent() } },
                new ApiBody(ApiBody.Form, FormEvent()),
            ],
            Answers =
            [
                new ApiAnswer(200, "Accepted (or recognised as a duplicate).", ApiSchema.Closed(ApiSchema.Parse("""
                    {"type":"object","required":["status","id","type","duplicate"],"properties":{"status":{"const":"accepted"},
                     "id":{"type":"string","format":"uuid"},"type":{"type":"string"},"duplicate":{"type":"boolean"}}}
                    """))),
                new ApiAnswer(400, "The body is not an event: no eventType, or a field is malformed.", ApiSchema.ErrorMessage),
                new ApiAnswer(401, "The signature is missing or does not match the body.", ApiSchema.ErrorMessage),
                new ApiAnswer(413, "The body is larger than the route accepts.", ApiSchema.ErrorMessage),
            ],
        }),
        ["IAdvizeVerifyConnector"] = ApiFunction.Of(Tag, new ApiOperation("Verify the connector's install fields")
        {
            Security = [ApiSecurity.ConnectorToken],
            Bodies =
            [
                new ApiBody(ApiBody.Json, ApiSchema.Parse("""
                    {"type":"array","items":{"type":"object","required":["id"],"properties":{"id":{"type":"string"},
                     "value":{"type":["string","null"]},"fieldType":{"type":"string"}}}}
                    """)) { Examples = new Dictionary<string, JsonNode> { ["api_key"] = ApiSchema.Parse("""[{"id":"api_key","value":"my-rest-key","fieldType":"TEXT"}]""") } },
            ],
            Answers =
            [
                new ApiAnswer(200, "Whether the fields are valid, and what is wrong with each that is not.", ApiSchema.Closed(ApiSchema.Parse("""
                    {"type":"object","required":["isValid","message","fields"],"properties":{"isValid":{"type":"boolean"},
                     "message":{"type":"string"},"fields":{"type":"array","items":{"type":"object","required":["id","message"],
                     "properties":{"id":{"type":"string"},"message":{"type":"string"}}}}}}
                    """))),
                new ApiAnswer(400, "The body is not an array of fields.", ApiSchema.ErrorMessage),
                BadToken,
                new ApiAnswer(413, "The body is larger than 16 KiB.", ApiSchema.ErrorMessage),
            ],
        }),
        ["IAdvizeVisitorProfile"] = ApiFunction.Of(Tag, new ApiOperation("The visitor's profile, for the operator's panel")
        {
            Security = [ApiSecurity.ConnectorToken],
            Parameters =
            [
                ApiParameter.Query("emailVisitor", "The visitor's email (one of the three visitor filters is required)."),
                ApiParameter.Query("idVisitorExternal", "The visitor's external id."),
                ApiParameter.Query("idVisitorUnique", "iAdvize's unique visitor id."),
                ApiParameter.Query("operatorLocale", "fr…: French labels."),
            ],
            Answers =
            [
                new ApiAnswer(200, "The profile's fields.", ApiSchema.Of(IAdvizeJson.Default.IReadOnlyListProfileField)),
                new ApiAnswer(400, "No visitor filter, or one too long.", ApiSchema.ErrorMessage),
                BadToken,
            ],
        }),
    };

    /// <summary>The events the seed's webhook API lists; others are stored as they come.</summary>
    private const string KnownEvents = "conversation.started, conversation.closed, visitor.updated, user.created, user.updated, " +
                                       "satisfaction.filled, user.connected, user.disconnected, connector.installed, connector.uninstalled";

    /// <summary>
    /// A webhook event as the seed's payloads show it: its id and type, the platform, the ids of what it is about
    /// (integers, the visitor's a string) and its times. Fields the seed does not list are kept as sent.
    /// </summary>
    private static JsonNode Event() => ApiSchema.Parse($$$$"""
        {"type":"object","required":["eventType"],"properties":{
          "eventId":{"type":"string","minLength":1,"maxLength":256},
          "eventType":{"type":"string","minLength":1,"maxLength":100,"description":"{{{{KnownEvents}}}}, or another (stored as it comes)"},
          "platform":{"type":"string"},"websiteId":{"type":"integer","minimum":0},"clientId":{"type":"integer","minimum":0},
          "conversationId":{"type":"integer","minimum":0},"operatorId":{"type":"integer","minimum":0},"userId":{"type":"integer","minimum":0},
          "visitorId":{"type":"string","maxLength":256},"channel":{"type":"string","maxLength":256},
          "score":{"type":"integer","minimum":0,"maximum":{{{{WebhookPayload.MaxScore}}}}},
          "connectorId":{"type":"string","format":"uuid"},"connectorVersionId":{"type":"string","format":"uuid"},
          "createdAt":{"type":"string","format":"date-time"},"sentAt":{"type":"string","format":"date-time"}}}
        """);

    /// <summary>
    /// The same event as a form: one <c>payload</c> field holding the JSON object, or the event's fields one by one
    /// (bracket keys for nesting), the integer ids as their digits.
    /// </summary>
    private static JsonNode FormEvent()
    {
        var fields = Event();
        foreach (var (name, schema) in fields["properties"]!.AsObject().ToList())
        {
            if (schema!["type"] is not JsonValue type || type.GetValue<string>() != "integer") continue;
            fields["properties"]![name] = ApiSchema.Parse("""{"type":"string","pattern":"^-?[0-9]+$"}""");
        }
        return new JsonObject
        {
            ["anyOf"] = new JsonArray(
                ApiSchema.Parse("""
                    {"type":"object","required":["payload"],"additionalProperties":false,
                     "properties":{"payload":{"type":"string","description":"the event as JSON text"}}}
                    """),
                fields),
        };
    }

    private static JsonNode SeedEvent() => ApiSchema.Parse("""
        {"eventId":"d36cd3c4-2d16-4a77-97c2-620bde859b29","eventType":"satisfaction.filled","platform":"sd","websiteId":1,
         "clientId":1,"conversationId":1,"operatorId":2,"visitorId":"593de0891b628a50b09835dc6c0e92565329c74baa90e","score":3,
         "createdAt":"2017-04-22T11:01:00+02:00","sentAt":"2017-04-22T11:01:00+02:00"}
        """);
}
