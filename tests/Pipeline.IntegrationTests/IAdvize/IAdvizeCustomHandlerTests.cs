using Pipeline.Functions.IAdvize;

namespace Pipeline.IntegrationTests.IAdvize;

/// <summary>The iAdvize webhook as the Azure Functions host invokes it: the signature is checked on the body it forwards.</summary>
public sealed class IAdvizeCustomHandlerTests : IAsyncLifetime
{
    private Azurite _azurite = null!;
    private PipelineHost _host = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        var settings = PipelineHost.DefaultSettings(_azurite.ConnectionString, null);
        settings["IAdvize:WebhookSecret"] = IAdvizeFixture.Secret;
        _host = await PipelineHost.StartCustomHandlerAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private async Task<JsonElement> Invoke(string body, string signature)
    {
        var payload = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Data"] = new Dictionary<string, object>
            {
                ["req"] = new Dictionary<string, object>
                {
                    ["Url"] = "https://app.example/api/webhooks/iadvize",
                    ["Method"] = "POST",
                    ["Query"] = new Dictionary<string, string>(),
                    ["Headers"] = new Dictionary<string, string[]>
                    {
                        ["Content-Type"] = ["application/json"],
                        ["X-iAdvize-Signature"] = [signature],
                        ["X-iAdvize-Delivery"] = ["110e8400-e29b-11d4-a716-446655440000"],
                    },
                    ["Params"] = new Dictionary<string, string>(),
                    ["Body"] = body,
                },
            },
            ["Metadata"] = new Dictionary<string, object>(),
        });
        var response = await _host.Client.PostAsync("/IAdvizeWebhook", new StringContent(payload, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("Outputs");
    }

    [Fact]
    public async Task A_signed_body_is_accepted_and_queued_and_a_tampered_one_refused()
    {
        var body = SeedWebhooks.Examples["satisfaction.filled"].Replace("d36cd3c4", Guid.NewGuid().ToString("N")[..8]);
        var signature = IAdvizeWebhookSignature.Sign(Encoding.UTF8.GetBytes(body), IAdvizeFixture.Secret);

        var accepted = await Invoke(body, signature);
        var tampered = await Invoke(body.Replace("\"score\": 3", "\"score\": 5"), signature);

        Assert.Equal(200, accepted.GetProperty("res").GetProperty("statusCode").GetInt32());
        var id = JsonDocument.Parse(accepted.GetProperty("res").GetProperty("body").GetString()!).RootElement.GetProperty("id").GetString();
        var sent = await SentMessages.FindAsync(_host.Storage, Pipeline.Functions.Hosting.QueueNames.Events, m => m.MessageId == id);
        var message = JsonDocument.Parse(sent.Body).RootElement;
        Assert.Equal("iadvize.satisfaction.filled", message.GetProperty("type").GetString());
        Assert.Equal("110e8400-e29b-11d4-a716-446655440000", message.GetProperty("data").GetProperty("delivery").GetProperty("id").GetString());
        Assert.Equal(401, tampered.GetProperty("res").GetProperty("statusCode").GetInt32());
        Assert.False(tampered.TryGetProperty("events", out _));
    }
}
