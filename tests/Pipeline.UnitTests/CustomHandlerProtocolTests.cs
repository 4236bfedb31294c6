using Pipeline.Functions.Hosting;

namespace Pipeline.UnitTests;

public sealed class CustomHandlerProtocolTests
{
    private static readonly FunctionDefinition Http = FunctionDefinition.Http("Search", "v1/search", ["get"]);
    private static readonly FunctionDefinition Queue =
        FunctionDefinition.Queue("Record", "events", new QueueOutput("out", "intercom"));

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

    [Fact]
    public void Results_are_written_with_res_outputs_as_objects_or_arrays_and_logs()
    {
        var result = InvocationResult.Http(new HttpResponseData(202, """{"ok":true}""")
            { Headers = new Dictionary<string, string> { ["Location"] = "/x" } });
        var one = Json("""{"id":1}""");
        result.Send(Queue.QueueOutputs[0], one).Send(Queue.QueueOutputs[0], Json("""{"id":2}""")).Log("did it");

        var written = Json(System.Text.Encoding.UTF8.GetString(CustomHandlerProtocol.Encode(Queue, result)));

        var res = written.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(202, res.GetProperty("statusCode").GetInt32());
        Assert.Equal("/x", res.GetProperty("headers").GetProperty("Location").GetString());
        Assert.Equal("""{"ok":true}""", res.GetProperty("body").GetString());
        var messages = written.GetProperty("Outputs").GetProperty("out");
        Assert.Equal(JsonValueKind.Array, messages.ValueKind);
        Assert.Equal(2, messages[1].GetProperty("id").GetInt32());
        Assert.Equal("did it", written.GetProperty("Logs")[0].GetString());

        var single = Json(System.Text.Encoding.UTF8.GetString(CustomHandlerProtocol.Encode(Queue, InvocationResult.Done().Send(Queue.QueueOutputs[0], one))));
        Assert.Equal(JsonValueKind.Object, single.GetProperty("Outputs").GetProperty("out").ValueKind);
    }
}
