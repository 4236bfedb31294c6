using Pipeline.Testing;

namespace Pipeline.UnitTests;

public sealed class CustomHandlerProtocolTests
{
    private static readonly FunctionBindings Http = FunctionBindings.Http("Search", "v1/search", ["get"]);
    private static readonly FunctionBindings Queue =
        FunctionBindings.Queue("Record", "events", new QueueOutput("out", "intercom"));

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Theory]
    [InlineData("""{"message":{"id":1}}""", """{"id":1}""")]
    [InlineData("""{"message":"{\"id\":1}"}""", """{"id":1}""")]
    [InlineData("""{"message":"\"{\\\"id\\\":1}\""}""", """{"id":1}""")]
    [InlineData("""{"message":"\"not json"}""", "\"not json")]
    public void Queue_messages_are_read_in_every_encoding(string data, string expected)
    {
        var invocation = CustomHandlerProtocol.ReadInvocation(Queue, Json("{\"Data\":" + data + ",\"Metadata\":{\"DeliveryCount\":\"3\",\"MessageId\":\"m\"}}"));

        Assert.Equal(expected, invocation.Message);
        Assert.Equal(3, invocation.DeliveryCount);
        Assert.Equal("m", invocation.MessageId);
    }

    [Fact]
    public void Repeated_query_keys_are_read_from_the_url_not_the_comma_joined_query()
    {
        var payload = Json("""
        {"Data":{"req":{"Url":"http://h/api/v1/search?recording_id=a&recording_id=b%2Cc&page=2","Method":"get",
          "Query":{"recording_id":"a,b,c","page":"2"},"Headers":{"X-Test":["1","2"]},"Params":{}}},"Metadata":{}}
        """);

        var request = CustomHandlerProtocol.ReadInvocation(Http, payload).Request!;

        Assert.Equal(["a", "b,c"], request.Query["recording_id"]);
        Assert.Equal(["2"], request.Query["page"]);
        Assert.Equal("GET", request.Method);
        Assert.Equal("1", request.Header("x-test"));
        Assert.Equal("", request.Body);
    }

    [Fact]
    public void A_json_body_the_host_already_parsed_is_kept_as_json_text()
    {
        var payload = Json("""{"Data":{"req":{"Url":"http://h/api/x","Method":"POST","Body":{"a":1}}}}""");

        Assert.Equal("""{"a":1}""", CustomHandlerProtocol.ReadInvocation(Http, payload).Request!.Body);
    }

    [Fact]
    public void Missing_trigger_data_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => CustomHandlerProtocol.ReadInvocation(Queue, Json("""{"Data":{}}""")));
        Assert.Throws<FormatException>(() => CustomHandlerProtocol.ReadInvocation(Http, Json("[]")));
    }

    public static TheoryData<string, byte[]> BodiesAsCallersSendThem() => new()
    {
        { "application/json", Encoding.UTF8.GetBytes("""{"name":"Zoë Ångström","city":"東京","note":"🚀 \"quoted\"\n","n":1.50}""") },
        { "application/json; charset=utf-8", Encoding.UTF8.GetBytes("""  {"event":"conversation.closed","text":"ça va ?"}  """) },
        { "application/x-www-form-urlencoded", Encoding.UTF8.GetBytes("appkey=k1&email=jos%C3%A9%40example.com&name=José+Müller&sig=a%2Bb%2Fc%3D") },
        { "text/plain", Encoding.UTF8.GetBytes("dGVzdA==") }, // base64-looking text stays text
        { "application/octet-stream", [0x00, 0xFF, 0xC3, 0x28, 0xE9, 0x80, 0x7F, 0x0A] }, // not UTF-8 at all
        { "multipart/form-data; boundary=b", Encoding.Latin1.GetBytes("--b\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\nJosé\r\n--b--\r\n") },
    };

    [Theory]
    [MemberData(nameof(BodiesAsCallersSendThem))]
    public void The_raw_body_is_the_bytes_the_caller_sent_through_the_hosts_encoding(string contentType, byte[] sent)
    {
        var payload = Json(HostPayloads.HttpWithRawBody(Http.Name, "post", "v1/search", contentType, sent));

        var request = CustomHandlerProtocol.ReadInvocation(Http, payload).Request!;

        Assert.Equal(sent, request.RawBody.ToArray());
        Assert.Equal(Encoding.UTF8.GetString(sent), request.Body);
    }

    [Fact]
    public void A_body_the_host_already_parsed_gives_its_json_text_as_raw_bytes()
    {
        var payload = Json("""{"Data":{"req":{"Url":"http://h/api/x","Method":"POST","Body":{"a":"é"}}}}""");

        Assert.Equal(Encoding.UTF8.GetBytes("""{"a":"é"}"""), CustomHandlerProtocol.ReadInvocation(Http, payload).Request!.RawBody.ToArray());
    }

    [Fact]
    public void A_request_without_a_body_has_empty_raw_bytes()
    {
        var payload = Json("""{"Data":{"req":{"Url":"http://h/api/x","Method":"GET","Headers":{"Content-Type":["application/octet-stream"]}}}}""");

        var request = CustomHandlerProtocol.ReadInvocation(Http, payload).Request!;

        Assert.True(request.RawBody.IsEmpty);
        Assert.Equal("", request.Body);
    }

    [Fact]
    public void Results_carry_the_http_answer_and_the_logs_and_never_the_queue_messages()
    {
        var result = FunctionResult.Http(new InvocationResponse(202, """{"ok":true}""")
            { Headers = new Dictionary<string, string> { ["Location"] = "/x" } });
        result.Send(Queue.QueueOutputs[0], Json("""{"id":1}""")).Log("did it");

        var written = Json(System.Text.Encoding.UTF8.GetString(CustomHandlerProtocol.Encode(Queue, result)));

        var res = written.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(202, res.GetProperty("statusCode").GetInt32());
        Assert.Equal("/x", res.GetProperty("headers").GetProperty("Location").GetString());
        Assert.Equal("""{"ok":true}""", res.GetProperty("body").GetString());
        // Sent by the dispatcher through the SDK with an id and properties; an output binding could carry neither.
        Assert.False(written.GetProperty("Outputs").TryGetProperty("out", out _));
        Assert.Equal("did it", written.GetProperty("Logs")[0].GetString());
    }

    [Fact]
    public void A_service_bus_invocations_application_properties_reach_the_function()
    {
        var payload = Json("""{"Data":{"message":"{}"},"Metadata":{"DeliveryCount":2,"MessageId":"e1:intercom:1","ApplicationProperties":{"attempt":"2","deliverTo":"intercom"}}}""");

        var invocation = CustomHandlerProtocol.ReadInvocation(Queue, payload);

        Assert.Equal(2, invocation.DeliveryCount);
        Assert.Equal("e1:intercom:1", invocation.MessageId);
        Assert.Equal("2", invocation.Properties["attempt"]);
        Assert.Equal("intercom", invocation.Properties["deliverTo"]);
    }
}
