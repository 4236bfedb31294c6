namespace Pipeline.IntegrationTests;

/// <summary>
/// The app as the Azure Functions host sees it: a real Kestrel on FUNCTIONS_CUSTOMHANDLER_PORT, sent the
/// payload shapes of the custom-handler protocol (readiness, HTTP, queue and timer invocations).
/// </summary>
public sealed class CustomHandlerProtocolTests : IAsyncLifetime
{
    private readonly IntercomStandIn _intercom = new();
    private TestPipeline _pipeline = null!;
    private PipelineHost _host = null!;

    public async Task InitializeAsync()
    {
        _pipeline = await TestPipeline.Create().WithIntercom(_intercom).AsCustomHandler().StartAsync();
        _host = _pipeline.Host;
    }

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    [Fact]
    public async Task Readiness_probe_on_root_answers()
    {
        var response = await _host.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Http_invocation_returns_res_and_sends_the_event_with_its_id_and_type()
    {
        var payload = """
        { "Data": { "req": { "Url": "http://localhost:7071/api/push/cart_recovered", "Method": "POST", "Query": {},
            "Headers": { "Content-Type": ["application/json"] }, "Params": { "segment": "cart_recovered" },
            "Body": "{\"site_id\":\"42\",\"cart_recovered\":\"25\"}" } },
          "Metadata": { "sys": { "MethodName": "PushSegment", "UtcNow": "2026-11-22T10:00:00Z", "RandGuid": "0f8fad5b-d9cb-469f-a165-70867728950e" } } }
        """;

        var (status, contentType, body) = await Invoke("PushSegment", payload);

        Assert.Equal(200, status);
        Assert.StartsWith("application/json", contentType);
        var res = body.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(200, res.GetProperty("statusCode").GetInt32());
        Assert.Equal("""{"code":"200","message":"ok"}""", res.GetProperty("body").GetString());
        Assert.Equal("application/json", res.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.False(body.GetProperty("Outputs").TryGetProperty("events", out _)); // sent through the publisher, not a binding
        var sent = await Sent(QueueNames.Events, m => m.Body.Contains("\"site_id\":\"42\"") && m.Body.Contains("cart_recovered"));
        var message = JsonDocument.Parse(sent.Body).RootElement;
        Assert.Equal("push.cart_recovered", message.GetProperty("type").GetString());
        Assert.Equal("push.cart_recovered", sent.Properties["type"]);
        Assert.Equal(message.GetProperty("id").GetString(), sent.MessageId);
        Assert.Equal(25, message.GetProperty("data").GetProperty("cart_recovered").GetInt32());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("Logs").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("ReturnValue").ValueKind);
    }

    [Fact]
    public async Task A_caller_error_is_a_successful_invocation_carrying_a_4xx()
    {
        var payload = """
        { "Data": { "req": { "Url": "http://x/api/push/cart_recovered", "Method": "POST", "Query": "{}",
            "Headers": {}, "Params": { "segment": "cart_recovered" }, "Body": "{\"site_id\":\"42\"}" } }, "Metadata": {} }
        """;

        var (status, _, body) = await Invoke("PushSegment", payload);

        Assert.Equal(200, status);
        var res = body.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(400, res.GetProperty("statusCode").GetInt32());
        Assert.Contains("cart_recovered", res.GetProperty("body").GetString());
        Assert.False(body.GetProperty("Outputs").TryGetProperty("events", out _));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Queue_invocation_accepts_the_message_as_json_text_or_encoded_twice(bool encodedTwice)
    {
        var envelope = """{"id":"01938a5e-0000-7000-8000-000000000001","type":"push.cart_recovered","source":"t","subject":"site:77","receivedAt":"2026-11-22T10:00:00+00:00","data":{"site_id":"77","cart_recovered":1},"schemaVersion":1}""";
        var message = JsonSerializer.Serialize(envelope);
        if (encodedTwice) message = JsonSerializer.Serialize(message);
        var payload = $$"""{ "Data": { "message": {{message}} }, "Metadata": { "DeliveryCount": 1, "MessageId": "m-1" } }""";

        var (status, _, body) = await Invoke("RecordEvent", payload);

        Assert.Equal(200, status);
        var forwarded = await Sent(SubscriptionQueues.Intercom, m => m.MessageId == "01938a5e-0000-7000-8000-000000000001");
        Assert.Equal("01938a5e-0000-7000-8000-000000000001", JsonDocument.Parse(forwarded.Body).RootElement.GetProperty("id").GetString());
        Assert.Contains(body.GetProperty("Logs").EnumerateArray(), l => l.GetString()!.Contains("01938a5e"));
    }

    [Fact]
    public async Task A_failed_delivery_completes_the_invocation_and_schedules_the_next_attempt_rather_than_being_redelivered_at_once()
    {
        _intercom.Fail("88", 503);
        var envelope = """{"id":"01938a5e-0000-7000-8000-000000000088","type":"push.cart_recovered","source":"t","subject":"site:88","receivedAt":"2026-11-22T10:00:00+00:00","data":{"site_id":"88","cart_recovered":1},"schemaVersion":1}""";
        var payload = $$"""{ "Data": { "message": {{JsonSerializer.Serialize(envelope)}} }, "Metadata": { "DeliveryCount": 3, "MessageId": "01938a5e-0000-7000-8000-000000000088", "ApplicationProperties": { "type": "push.cart_recovered" } } }""";

        var (status, contentType, _) = await Invoke("ForwardToIntercom", payload);

        Assert.Equal(200, status);
        Assert.StartsWith("application/json", contentType);
        var retry = await Sent(SubscriptionQueues.Intercom, m => m.MessageId == "01938a5e-0000-7000-8000-000000000088:intercom:1",
            TimeSpan.FromSeconds(15)); // scheduled: visible after the test host's short backoff
        Assert.Equal("2", retry.Properties["attempt"]);
        Assert.Equal("intercom", retry.Properties["deliverTo"]);
    }

    [Fact]
    public async Task The_callers_traceparent_in_Data_req_and_the_envelopes_traceparent_are_continued()
    {
        const string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string callerSpan = "00f067aa0ba902b7";
        var http = """
        { "Data": { "req": { "Url": "http://localhost:7071/api/push/cart_recovered", "Method": "POST", "Query": {},
            "Headers": { "Content-Type": ["application/json"], "traceparent": ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"] },
            "Params": { "segment": "cart_recovered" }, "Body": "{\"site_id\":\"43\",\"cart_recovered\":\"2\"}" } }, "Metadata": {} }
        """;

        var (_, _, pushed) = await Invoke("PushSegment", http);

        Assert.Equal(200, pushed.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32());
        var envelope = JsonDocument.Parse((await Sent(QueueNames.Events, m => m.Body.Contains("\"site_id\":\"43\""))).Body).RootElement;
        var sent = envelope.GetProperty("traceparent").GetString()!;
        Assert.StartsWith($"00-{trace}-", sent);
        Assert.DoesNotContain(callerSpan, sent); // a child of the caller's span: the push invocation's own

        var queued = $$"""{ "Data": { "message": {{JsonSerializer.Serialize(envelope.GetRawText())}} }, "Metadata": { "DeliveryCount": 1 } }""";
        var (_, _, recorded) = await Invoke("RecordEvent", queued);

        Assert.Equal(JsonValueKind.Array, recorded.GetProperty("Logs").ValueKind);
        var id = envelope.GetProperty("id").GetString();
        var forwarded = (await Sent(SubscriptionQueues.Intercom, m => m.MessageId == id)).Properties["traceparent"];
        Assert.StartsWith($"00-{trace}-", forwarded);
        Assert.NotEqual(sent, forwarded); // re-sent from the Recorder's span
    }

    [Fact]
    public async Task An_output_too_large_for_a_queue_is_a_claim_check_that_the_next_function_reads_as_the_original()
    {
        var customer = "cc-" + Guid.NewGuid().ToString("N")[..8];
        var message = string.Concat(Enumerable.Repeat("😀", 15_000)); // 60 KB of UTF-8; 180 KB once \u-escaped
        var createBody = $$"""{"customer_id":"{{customer}}","lead_id":"L","user_id":"U","recording_id":"R","event_type":"view","event_id":"e","message":"{{message}}"}""";
        var request = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Data"] = new Dictionary<string, object>
            {
                ["req"] = new Dictionary<string, object>
                {
                    ["Url"] = "http://x/api/v1/lead_analytics", ["Method"] = "POST", ["Headers"] = new Dictionary<string, string>(),
                    ["Params"] = new Dictionary<string, string>(), ["Body"] = createBody,
                },
            },
            ["Metadata"] = new Dictionary<string, string>(),
        });

        var (status, _, created) = await Invoke("CreateLeadAnalyticsEvent", request);

        Assert.Equal(200, status);
        Assert.Equal(201, created.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32());
        var sentReference = await Sent(QueueNames.Events, m => m.Body.Contains("$claimCheck") && m.Properties.GetValueOrDefault("type") == "analytics.lead");
        var reference = JsonDocument.Parse(sentReference.Body).RootElement;
        Assert.True(reference.GetRawText().Length < 1024, reference.GetRawText());
        Assert.Equal("analytics.lead", reference.GetProperty("type").GetString());

        var (recordStatus, _, recorded) = await Invoke("RecordEvent",
            $$"""{ "Data": { "message": {{reference.GetRawText()}} }, "Metadata": { "DeliveryCount": 1 } }""");

        Assert.Equal(200, recordStatus);
        Assert.Contains(recorded.GetProperty("Logs").EnumerateArray(), l => l.GetString()!.StartsWith("recorded analytics.lead"));
        var row = Assert.Single(await _host.Table(Pipeline.Functions.Storage.TableNames.Events)
            .QueryAsync<Azure.Data.Tables.TableEntity>($"Subject eq 'customer:{customer}'").ToListAsync());
        var data = string.Concat(Enumerable.Range(0, 30).Select(i => row.GetString(i == 0 ? "Data" : $"Data{i}")).TakeWhile(d => d is not null));
        Assert.Equal(message, JsonDocument.Parse(data).RootElement.GetProperty("stored").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Unknown_functions_and_unreadable_payloads_are_rejected()
    {
        Assert.Equal(404, (await Invoke("NoSuchFunction", "{}")).Status);
        Assert.Equal(400, (await Invoke("PushSegment", "{not json")).Status);
        Assert.Equal(400, (await Invoke("PushSegment", """{"Data":{}}""")).Status);
    }

    [Fact]
    public async Task Function_names_match_case_insensitively_as_the_host_sends_them()
    {
        var payload = """{ "Data": { "req": { "Url": "http://x/api/health", "Method": "GET", "Headers": {}, "Params": {} } }, "Metadata": {} }""";

        var (status, _, body) = await Invoke("health", payload);

        Assert.Equal(200, status);
        Assert.Equal(200, body.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32()); // storage is up
    }

    private Task<Pipeline.Functions.Messaging.LocalMessageFrame.Unwrapped> Sent(string queue,
        Func<Pipeline.Functions.Messaging.LocalMessageFrame.Unwrapped, bool> matches, TimeSpan? timeout = null) =>
        SentMessages.FindAsync(_host.Storage, queue, matches, timeout);

    private async Task<(int Status, string ContentType, JsonElement Body)> Invoke(string function, string payload)
    {
        var response = await _host.Client.PostAsync("/" + function, new StringContent(payload, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", JsonDocument.Parse(text).RootElement);
    }
}
