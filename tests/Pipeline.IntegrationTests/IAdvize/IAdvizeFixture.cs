using Microsoft.Extensions.Logging;
using Pipeline.Functions.IAdvize;

namespace Pipeline.IntegrationTests.IAdvize;

/// <summary>The local host with webhook secrets, a connector token, tracking app keys and a WireMock iAdvize.</summary>
public class IAdvizeFixture : PipelineFixture, IAsyncLifetime
{
    public const string Secret = "current-webhook-secret";
    public const string RotatedSecret = "previous-webhook-secret";
    public const string ConnectorToken = "connector-token-123";
    public const string AppKey = "571e64183647a855d0sgf3a3";

    public IAdvizeStandIn IAdvize { get; } = new();

    protected virtual bool IAdvizeConfigured => true;

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["IAdvize:WebhookSecret"] = Secret;
        settings["IAdvize:WebhookSecrets:0"] = RotatedSecret;
        settings["IAdvize:ConnectorToken"] = ConnectorToken;
        settings["IAdvize:BaseUrl"] = IAdvize.BaseUrl;
        settings["IAdvize:ApiKey"] = IAdvizeConfigured ? IAdvizeStandIn.GoodKey : null;
        settings["IAdvize:TimeoutSeconds"] = "2";
        settings["Tracking:AppKeys:0"] = AppKey;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        IAdvize.Dispose();
    }

    /// <summary>Posts a webhook body signed with <paramref name="secret"/> (or with the given header value).</summary>
    public Task<HttpResponseMessage> PostWebhook(string body, string? signature = null, string contentType = "application/json",
        string? secret = Secret, string? delivery = null, string? correlation = null, bool sign = true)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/iadvize") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var header = signature ?? (sign && secret is not null ? IAdvizeWebhookSignature.Sign(bytes, secret) : null);
        if (header is not null) request.Headers.TryAddWithoutValidation("X-iAdvize-Signature", header);
        request.Headers.TryAddWithoutValidation("X-iAdvize-Delivery", delivery ?? Guid.NewGuid().ToString());
        if (correlation is not null) request.Headers.TryAddWithoutValidation("X-iAdvize-CorrelationId", correlation);
        return Host.Client.SendAsync(request);
    }

    public async Task<List<TableEntity>> EventsOfSubject(string subject) =>
        await Host.Table(TableNames.Events).QueryAsync<TableEntity>(e => e.PartitionKey == subject).ToListAsync();

    /// <summary>Waits until every queued event has been taken and finished (the queue counts messages in flight too).</summary>
    public Task EventsDrained() => Eventually.TrueAsync(async () =>
        (await Host.Queue("events").GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "the events queue is drained");

    public static string NewVisitorId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "abcdefghijklm";

    public static string Satisfaction(string visitorId, string eventId, int score = 3, int conversationId = 1) => $$"""
        {
            "eventId": "{{eventId}}",
            "eventType": "satisfaction.filled",
            "platform": "sd",
            "websiteId": 1,
            "clientId": 1,
            "conversationId": {{conversationId}},
            "operatorId": 2,
            "visitorId": "{{visitorId}}",
            "score": {{score}},
            "createdAt": "2017-04-22T11:01:00+02:00",
            "sentAt": "2017-04-22T11:01:00+02:00"
        }
        """;

    public static string ConversationClosed(string visitorId, string eventId, int conversationId = 1) => $$"""
        {"eventId":"{{eventId}}","eventType":"conversation.closed","platform":"sd","websiteId":1,"clientId":1,"conversationId":{{conversationId}},"operatorId":1,"channel":"chat","visitorId":"{{visitorId}}","createdAt":"2017-04-22T11:01:00+02:00","sentAt":"2017-04-22T11:01:00+02:00"}
        """;
}

public sealed class NoWebhookSecretFixture : PipelineFixture
{
    /// <summary>Every line the app logged.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Logged { get; } = new();

    protected override void Configure(Dictionary<string, string?> settings) => settings["IAdvize:WebhookSecret"] = "";

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Logged));

    private sealed class CapturingLoggerProvider(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
        public void Dispose() { }
    }
}
