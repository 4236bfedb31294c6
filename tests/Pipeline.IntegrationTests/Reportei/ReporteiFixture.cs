namespace Pipeline.IntegrationTests.Reportei;

public sealed class ReporteiFixture : PipelineFixture, IAsyncLifetime
{
    public const string Token = "reportei-test-token";
    public const string AdminKey = "admin-test-key";
    public const string AppKey = "reportei-app-key";
    public static readonly byte[] WebhookKey = Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();

    public WebhookReceiverStandIn Receiver { get; } = new();

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Admin:ApiKey"] = AdminKey;
        settings["Reportei:Tokens:0"] = "an-older-token";
        settings["Reportei:Tokens:1"] = Token;
        settings["Reportei:WebhookSecret"] = "whsec_" + Convert.ToBase64String(WebhookKey);
        settings["Reportei:RetryScheduleSeconds"] = "1,1";
        settings["Reportei:AllowHttpWebhooks"] = "true";
        settings["Reportei:AllowedWebhookHosts:0"] = "127.0.0.1";
        settings["Reportei:WebhookTimeoutSeconds"] = "3";
        settings["Tracking:AppKeys:0"] = AppKey;
    }

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Receiver.Dispose();
    }

    public HttpRequestMessage Post(string path, string json, string? token = Token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        return request;
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpRequestMessage request)
    {
        var response = await Host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> GetDataAsync(string json, string? token = Token) =>
        SendAsync(Post("api/metrics/get-data", json, token));

    /// <summary>Registers a fresh customer_integration covering the given scopes.</summary>
    public async Task<Guid> RegisterAsync(string? siteId = null, string? appKey = null, string? customerId = null, string? websiteId = null)
    {
        var id = Guid.NewGuid();
        var fields = new Dictionary<string, string?>
        {
            ["site_id"] = siteId, ["tracking_app_key"] = appKey, ["analytics_customer_id"] = customerId, ["iadvize_website_id"] = websiteId,
        }.Where(f => f.Value is not null).ToDictionary();
        var request = new HttpRequestMessage(HttpMethod.Put, $"api/metrics/integrations/{id}")
        {
            Content = new StringContent(JsonSerializer.Serialize(fields), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", AdminKey);
        var (status, _) = await SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, status);
        return id;
    }

    /// <summary>Puts an envelope on the events queue as an ingest function would (for events whose webhook is not in this app yet).</summary>
    public async Task EnqueueAsync(Guid id, string type, string subject, DateTimeOffset receivedAt, string dataJson)
    {
        var envelope = new Pipeline.Functions.Envelope.EventEnvelope(id, type, "test", subject, receivedAt, JsonDocument.Parse(dataJson).RootElement);
        await Host.Queue("events").SendMessageAsync(envelope.ToJson().GetRawText());
    }

    public static string Request(Guid integration, string start, string end, string metrics, string extra = "") =>
        $$"""{"customer_integration":"{{integration}}","start":"{{start}}","end":"{{end}}"{{extra}},"metrics":[{{metrics}}]}""";

    public static string Metric(string id, string key, string component = "number_v1", string dimensions = "") =>
        $$"""{"id":"{{id}}","reference_key":"{{key}}","component":"{{component}}","metrics":["value"],"dimensions":[{{dimensions}}]}""";
}
