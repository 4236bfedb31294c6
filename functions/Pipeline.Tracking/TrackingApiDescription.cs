using System.Text.Json.Nodes;

namespace Pipeline.Functions.Tracking;

/// <summary>
/// The Footprints tracking routes (seed 001) in the API document. Bodies are forms with PHP/qs bracket keys
/// (<c>aditionalData[brands][0]=Zara</c>), described key by key as the form format allows; the same fields are
/// accepted nested in a JSON object.
/// </summary>
public sealed class TrackingApiDescription : IApiDescription
{
    private const string Tag = "Tracking";

    private const string ActionTypes = """["visit","sale","contact","feedback","engagement","profiling"]""";

    private static readonly ApiAnswer Empty = new(200, "Accepted.", ApiSchema.Parse("""{"type":"object","maxProperties":0}"""));

    // enum, not const: the OpenAPI library writes a boolean const back as the string "True".
    private static readonly ApiAnswer Success = new(200, "Accepted.", ApiSchema.Parse("""
        {"type":"object","required":["success"],"additionalProperties":false,"properties":{"success":{"enum":[true]}}}
        """));

    public IReadOnlyDictionary<string, ApiFunction> Functions { get; } = new Dictionary<string, ApiFunction>
    {
        ["TrackingWebInit"] = ApiFunction.Of(Tag, Operation("Open a web tracking session",
            Bodies(["appkey"], ["email", "phone"], technicalInfo: true),
            new() { ["seed"] = ApiSchema.Parse("""{"appkey":"571e64183647a855d0sgf3a3","email":"test.email%40test.com"}""") },
            new ApiAnswer(200, "The session: uid for an identified visitor (email or phone), pid for an anonymous one.", ApiSchema.Parse("""
                {"type":"object","required":["status"],"additionalProperties":false,"properties":{"status":{"const":"ok"},"uid":{"type":"string"},"pid":{"type":"string"}},
                 "oneOf":[{"required":["uid"]},{"required":["pid"]}]}
                """)))),
        ["TrackingWebSend"] = ApiFunction.Of(Tag, Operation("Send one web tracking event",
            Bodies(["appkey", "uid", "actionType", "requestType"], ["uType"], additionalData: true),
            new()
            {
                ["seed"] = ApiSchema.Parse("""
                    {"appkey":"571e64183647a855d0sgf3a3","uid":"a5c2dd6ebhsgtdr4ca6142a42910a972fecc71aa32ea88a0c681f77395bc218667",
                     "uType":"c","actionType":"visit","requestType":"action","aditionalData[brands][0]":"Zara",
                     "aditionalData[brands][1]":"Adidas","aditionalData[tenants][0]":"H&M","aditionalData[tenants][1]":"C&A"}
                    """),
            },
            Empty,
            new ApiAnswer(404, "The uid was not issued by /jsapi/init for this appkey.", ErrorShape()))),
        ["TrackingMobileInit"] = ApiFunction.Of(Tag, Operation("Open a mobile tracking session",
            Bodies(["appkey"], ["userEmail", "userPhone", "pushNotificationToken"], technicalInfo: true),
            new() { ["seed"] = ApiSchema.Parse("""{"appkey":"571e64183647a855d0sgf3a3","userEmail":"test.email%40test.com","pushNotificationToken":"123456"}""") },
            new ApiAnswer(200, "The session's mobileId, sent afterwards as mid.", ApiSchema.Parse("""
                {"type":"object","required":["status","mobileId"],"additionalProperties":false,"properties":{"status":{"const":"ok"},"mobileId":{"type":"string"}}}
                """)))),
        ["TrackingMobileSend"] = ApiFunction.Of(Tag, Operation("Send one mobile screenview",
            Bodies(["appkey", "mid", "actionType", "requestType"], [], additionalData: true),
            new()
            {
                ["seed"] = ApiSchema.Parse("""
                    {"appkey":"571e64183647a855d0sgf3a3","mid":"a5c2dd6ebhsgtdr4ca6142a42910a972fecc71aa32ea88a0c681f77395bc218667",
                     "actionType":"visit","requestType":"action","aditionalData[brands][0]":"Zara","aditionalData[tenants][0]":"H&M"}
                    """),
            },
            Empty,
            new ApiAnswer(404, "The mid was not issued by /mobileapi/init for this appkey.", ErrorShape()))),
        ["TrackingMobileSensors"] = ApiFunction.Of(Tag, Operation("Send beacon readings",
            Bodies(["appkey", "mid"], [], sensors: true),
            new()
            {
                ["seed"] = ApiSchema.Parse("""
                    {"appkey":"571e64183647a855d0sgf3a3","mid":"a5c2dd6e","sensors[0][uuid]":"2376-34342-1233-23424","sensors[0][rssi]":"5",
                     "sensors[0][distance]":"4","sensors[0][macAddress]":"345987345345-23482746-345934587","sensors[0][txPower]":"2",
                     "sensors[0][name]":"mimi","sensors[0][minor]":"3.2","sensors[0][major]":"4.1"}
                    """),
            },
            Success,
            new ApiAnswer(404, "The mid was not issued by /mobileapi/init for this appkey.", ErrorShape()))),
        ["TrackingMobileGeo"] = ApiFunction.Of(Tag, Operation("Send one geolocation fix",
            Bodies(["appkey", "mid", "lat", "lon"], ["accuracy"]),
            new() { ["seed"] = ApiSchema.Parse("""{"appkey":"571e64183647a855d0sgf3a3","mid":"p93eeea7322fed62b9b240d613b6c925b1cf125aed3bf030c64d8a51b35981c73","lat":"44.432149","lon":"26.088868","accuracy":"3"}""") },
            Success,
            new ApiAnswer(404, "The mid was not issued by /mobileapi/init for this appkey.", ErrorShape()))),
    };

    private static ApiOperation Operation(string summary, (JsonNode Form, JsonNode Json) body, Dictionary<string, JsonNode> examples,
        params ApiAnswer[] answers) =>
        new(summary)
        {
            Description = "Authenticated by the appkey field. Errors are {status: error, message, errors: {field: problem}}.",
            Bodies =
            [
                new ApiBody(ApiBody.Form, body.Form) { Examples = examples },
                // The same keys, nested: {"aditionalData":{"brands":["Zara"]}}.
                new ApiBody(ApiBody.Json, body.Json),
            ],
            Answers =
            [
                .. answers,
                new ApiAnswer(400, "The body is not a form or a JSON object.", ErrorShape()),
                new ApiAnswer(401, "The appkey is missing or unknown.", ErrorShape()),
                new ApiAnswer(413, "The body is larger than 64 KiB.", ErrorShape()),
                new ApiAnswer(422, "Fields are missing or malformed (errors: field → problem).", ErrorShape()),
            ],
        };

    private static JsonNode ErrorShape() => ApiSchema.Parse("""
        {"type":"object","required":["status","message"],"additionalProperties":false,"properties":{
          "status":{"const":"error"},"message":{"type":"string"},
          "errors":{"type":"object","additionalProperties":{"type":"string"}}}}
        """);

    private static (JsonNode Form, JsonNode Json) Bodies(string[] required, string[] optional, bool technicalInfo = false,
        bool additionalData = false, bool sensors = false) =>
        (Form(required, optional, technicalInfo, additionalData, sensors), Json(required, optional, technicalInfo, additionalData, sensors));

    /// <summary>A plain field in a JSON body: the SDKs send text, and a number is read as its digits.</summary>
    private const string Scalar = """{"type":["string","number"]}""";

    /// <summary>
    /// The same fields as a JSON object, nested where the form uses brackets: <c>technicalInfo</c> and
    /// <c>aditionalData</c> objects, <c>sensors</c> as a list of readings (or, as the Node sample sends them, each
    /// reading field a list). aditionalData's fields are typed as the send routes check them; others are kept as sent.
    /// </summary>
    private static JsonNode Json(string[] required, string[] optional, bool technicalInfo, bool additionalData, bool sensors)
    {
        var properties = new JsonObject();
        foreach (var name in required.Concat(optional)) properties[name] = ApiSchema.Parse(Scalar);
        if (properties.ContainsKey("actionType")) properties["actionType"] = ApiSchema.Parse($$"""{"enum":{{ActionTypes}}}""");
        if (properties.ContainsKey("requestType")) properties["requestType"] = ApiSchema.Parse("""{"const":"action"}""");
        if (properties.ContainsKey("uType")) properties["uType"] = ApiSchema.Parse("""{"enum":["p","c"]}""");
        Bounded(properties, """["string","number"]""");
        if (technicalInfo)
            properties["technicalInfo"] = ApiSchema.Parse($$$"""
                {"type":"object","properties":{"screenSize":{{{Scalar}}},"browserUserAgent":{{{Scalar}}},"browserType":{{{Scalar}}},
                 "appId":{{{Scalar}}},"deviceOs":{{{Scalar}}}}}
                """);
        if (additionalData)
        {
            const string names = $$"""{"anyOf":[{"type":"string"},{"type":"array","items":{{Scalar}}}]}""";
            properties["aditionalData"] = ApiSchema.Parse($$$$"""
                {"type":"object","properties":{"brands":{{{{names}}}},"tenants":{{{{names}}}},"interests":{{{{names}}}},
                  "receipts":{"type":"array","items":{"type":"object","required":["name","value"],"properties":{"name":{{{{Scalar}}}},"value":{{{{Scalar}}}}}}},
                  "rating":{"anyOf":[{"type":"number","minimum":1,"maximum":10},{"type":"string"}]},
                  "percentCompleted":{"anyOf":[{"type":"number","minimum":0,"maximum":100},{"type":"string"}]},
                  "appointmentDate":{"type":"string","pattern":"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"},
                  "senderType":{"enum":["person","organization"]}}}
                """);
        }
        if (sensors)
        {
            string[] reading = ["uuid", "rssi", "distance", "macAddress", "txPower", "name", "minor", "major"];
            var oneEach = new JsonObject(reading.Select(f => KeyValuePair.Create(f, (JsonNode?)ApiSchema.Parse(Scalar))));
            var listEach = new JsonObject(reading.Select(f => KeyValuePair.Create(f, (JsonNode?)ApiSchema.Parse(
                $$"""{"anyOf":[{{Scalar}},{"type":"array","items":{{Scalar}}}]}"""))));
            properties["sensors"] = new JsonObject
            {
                ["anyOf"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "array", ["minItems"] = 1,
                        ["items"] = new JsonObject { ["type"] = "object", ["required"] = new JsonArray("uuid"), ["properties"] = oneEach },
                    },
                    new JsonObject { ["type"] = "object", ["required"] = new JsonArray("uuid"), ["properties"] = listEach }),
            };
        }
        return new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray(required.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
            ["properties"] = properties,
        };
    }

    /// <summary>A form's fields: plain keys, and the bracket keys the SDKs send, matched by pattern.</summary>
    /// <summary>The email and phone fields, at the lengths the visitor's row keeps (longer ones are refused).</summary>
    private static void Bounded(JsonObject properties, string type)
    {
        foreach (var (name, max) in new[] { ("email", TrackingRequest.MaxEmailLength), ("userEmail", TrackingRequest.MaxEmailLength),
                     ("phone", TrackingRequest.MaxPhoneLength), ("userPhone", TrackingRequest.MaxPhoneLength) })
        {
            if (properties.ContainsKey(name)) properties[name] = ApiSchema.Parse($$"""{"type":{{type}},"maxLength":{{max}}}""");
        }
    }

    private static JsonNode Form(string[] required, string[] optional, bool technicalInfo = false, bool additionalData = false,
        bool sensors = false)
    {
        var properties = new JsonObject();
        foreach (var name in required.Concat(optional)) properties[name] = ApiSchema.String;
        if (properties.ContainsKey("actionType")) properties["actionType"] = ApiSchema.Parse($$"""{"enum":{{ActionTypes}}}""");
        if (properties.ContainsKey("requestType")) properties["requestType"] = ApiSchema.Parse("""{"const":"action"}""");
        if (properties.ContainsKey("uType")) properties["uType"] = ApiSchema.Parse("""{"enum":["p","c"]}""");
        Bounded(properties, "\"string\"");
        var patterns = new JsonObject();
        if (technicalInfo) patterns[@"^technicalInfo\[(screenSize|browserUserAgent|browserType|appId|deviceOs)\]$"] = ApiSchema.String;
        if (additionalData)
            patterns[@"^aditionalData\[(brands|tenants|interests|receipts|rating|appointmentDate|senderType|percentCompleted|description)\](\[[0-9]+\](\[(name|value)\])?)?$"] = ApiSchema.String;
        if (sensors)
            patterns[@"^sensors\[([0-9]+\]\[(uuid|rssi|distance|macAddress|txPower|name|minor|major)|(uuid|rssi|distance|macAddress|txPower|name|minor|major)\]\[[0-9]+)\]$"] = ApiSchema.String;
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray(required.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
            ["properties"] = properties,
        };
        if (patterns.Count > 0) schema["patternProperties"] = patterns;
        return schema;
    }
}
