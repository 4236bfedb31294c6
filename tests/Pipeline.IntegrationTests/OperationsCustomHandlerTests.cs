namespace Pipeline.IntegrationTests;

/// <summary>
/// The admin API as the Azure Functions host invokes it without <c>ServiceBusConnection</c> settings: Service Bus dead
/// letters and backlogs cannot be read and the answers say so; the page is HTML.
/// </summary>
public sealed class OperationsCustomHandlerTests : IAsyncLifetime
{
    private const string Key = "ops-handler-key";
    private Azurite _azurite = null!;
    private PipelineHost _host = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        var settings = PipelineHost.DefaultSettings(_azurite.ConnectionString, null);
        settings["Admin:ApiKey"] = Key;
        _host = await PipelineHost.StartCustomHandlerAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private static string Request(string method, string path, string body = "", string query = "{}") => $$"""
        { "Data": { "req": { "Url": "http://localhost:7071/api/{{path}}", "Method": "{{method}}", "Query": {{query}},
            "Headers": { "X-Api-Key": ["{{Key}}"], "Content-Type": ["application/json"] }, "Params": {},
            "Body": {{JsonSerializer.Serialize(body)}} } },
          "Metadata": {} }
        """;

    private async Task<JsonElement> InvokeAsync(string function, string payload)
    {
        var response = await _host.Client.PostAsync("/" + function, new StringContent(payload, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("Outputs").GetProperty("res");
    }

    [Fact]
    public async Task Dead_letters_point_to_Service_Bus_Explorer_and_requeue_is_a_409()
    {
        var listed = await InvokeAsync("ListDeadLetters", Request("GET", "ops/dead-letters"));
        Assert.Equal(200, listed.GetProperty("statusCode").GetInt32());
        var body = JsonDocument.Parse(listed.GetProperty("body").GetString()!).RootElement;
        Assert.False(body.GetProperty("supported").GetBoolean());
        Assert.Contains("Service Bus Explorer", body.GetProperty("message").GetString());

        var requeue = await InvokeAsync("RequeueDeadLetters", Request("POST", "ops/dead-letters/requeue", """{"queue":"intercom"}"""));
        Assert.Equal(409, requeue.GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task Without_Service_Bus_settings_the_backlog_is_unknown_and_says_why_and_health_stays_healthy()
    {
        JsonElement summary = default;
        await Eventually.TrueAsync(async () =>
        {
            var answer = await InvokeAsync("DeliverySummary", Request("GET", "ops/summary"));
            summary = JsonDocument.Parse(answer.GetProperty("body").GetString()!).RootElement;
            return summary.GetProperty("backlog").GetArrayLength() > 0;
        }, "the backlog has been sampled once");
        var intercom = summary.GetProperty("backlog").EnumerateArray().Single(e => e.GetProperty("entity").GetString() == "recorded/subscriptions/intercom");
        Assert.Equal(JsonValueKind.Null, intercom.GetProperty("active").ValueKind);
        Assert.Contains("ServiceBusConnection is not set", intercom.GetProperty("note").GetString());

        var health = await InvokeAsync("Health", Request("GET", "health"));
        var body = JsonDocument.Parse(health.GetProperty("body").GetString()!).RootElement;
        Assert.Equal(200, health.GetProperty("statusCode").GetInt32());
        Assert.Equal("healthy", body.GetProperty("status").GetString()); // not knowing is not a backlog
    }

    [Fact]
    public async Task The_page_is_answered_as_html()
    {
        var page = await InvokeAsync("OpsPage", Request("GET", "ops"));
        Assert.Equal(200, page.GetProperty("statusCode").GetInt32());
        Assert.StartsWith("text/html", page.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Contains("<title>Pipeline operations</title>", page.GetProperty("body").GetString());

        // The host hands the query over as a map: the page's script comes through the same function.
        var script = await InvokeAsync("OpsPage", Request("GET", "ops", query: """{"asset":"ops.js"}"""));
        Assert.Equal(200, script.GetProperty("statusCode").GetInt32());
        Assert.StartsWith("text/javascript", script.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Contains("x-functions-key", script.GetProperty("body").GetString());
    }
}
