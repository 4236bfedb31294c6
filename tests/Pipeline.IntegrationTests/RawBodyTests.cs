using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace Pipeline.IntegrationTests;

/// <summary>Azurite, and the app in both modes with a function that echoes its raw body.</summary>
public sealed class RawBodyFixture : IAsyncLifetime
{
    private Azurite _azurite = null!;
    public PipelineHost Local { get; private set; } = null!;
    public PipelineHost CustomHandler { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        Local = await PipelineHost.StartLocalAsync(PipelineHost.DefaultSettings(_azurite.ConnectionString, null), AddEcho);
        CustomHandler = await PipelineHost.StartCustomHandlerAsync(PipelineHost.DefaultSettings(_azurite.ConnectionString, null), AddEcho);
    }

    public async Task DisposeAsync()
    {
        await CustomHandler.DisposeAsync();
        await Local.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private static void AddEcho(IServiceCollection services)
    {
        services.AddFunctions<RawBodyEcho>();
        // An HTTP function of the app must be described, this test's own too (else the app does not start).
        services.AddApiDescription<RawBodyEchoDescription>();
    }

    private sealed class RawBodyEchoDescription : IApiDescription
    {
        public IReadOnlyDictionary<string, ApiFunction> Functions { get; } = new Dictionary<string, ApiFunction>
        {
            ["RawBodyEcho"] = ApiFunction.Of("Test", new ApiOperation("Echo the raw body as base64")
            {
                Bodies = [new ApiBody("application/octet-stream", ApiSchema.String)],
                Answers = [new ApiAnswer(200, "The body's bytes.", ApiSchema.StringsObject("rawBody"))],
            }),
        };
    }

    /// <summary>Answers with the base64 of the raw body it was given.</summary>
    public sealed class RawBodyEcho
    {
        [Function("RawBodyEcho")]
        [WithoutStorageWait]
        public async Task<HttpResponseData> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "test/raw-body")] HttpRequestData req)
        {
            var response = req.CreateResponse();
            await response.WriteAsJsonAsync(new { rawBody = Convert.ToBase64String(req.RawBody().Span) });
            return response;
        }
    }
}

/// <summary>
/// <see cref="InvocationRequest.RawBody"/> is the caller's bytes in both hosts: sent over HTTP to the local host, and
/// as the Functions host encodes them into an invocation (README, raw bodies) to the custom handler.
/// </summary>
public sealed class RawBodyTests(RawBodyFixture fixture) : IClassFixture<RawBodyFixture>
{
    public static TheoryData<string, byte[]> Bodies() => new()
    {
        { "application/json", Encoding.UTF8.GetBytes("""{"visitor":"Zoë","city":"東京","emoji":"🚀","amount":12.50}""") },
        { "application/x-www-form-urlencoded", Encoding.UTF8.GetBytes("email=jos%C3%A9%40example.com&name=José+Müller&sig=a%2Bb%3D") },
        { "application/octet-stream", [0x00, 0xFF, 0xFE, 0xC3, 0x28, 0xE9, 0x0D, 0x0A] },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task The_local_host_hands_the_function_the_bytes_as_sent(string contentType, byte[] sent)
    {
        var content = new ByteArrayContent(sent);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var response = await fixture.Local.Client.PostAsync("api/test/raw-body", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(sent, await Echoed(response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task The_custom_handler_recovers_the_bytes_from_the_hosts_invocation(string contentType, byte[] sent)
    {
        var payload = HostPayloads.HttpWithRawBody("RawBodyEcho", "post", "test/raw-body", contentType, sent);

        var response = await fixture.CustomHandler.Client.PostAsync("/RawBodyEcho", new StringContent(payload, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var invocation = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var res = invocation.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(200, res.GetProperty("statusCode").GetInt32());
        Assert.Equal(sent, await Echoed(Task.FromResult(res.GetProperty("body").GetString()!)));
    }

    private static async Task<byte[]> Echoed(Task<string> body) =>
        Convert.FromBase64String(JsonDocument.Parse(await body).RootElement.GetProperty("rawBody").GetString()!);
}
