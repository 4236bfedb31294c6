using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Pipeline.Functions.ApiReference;

namespace Pipeline.Testing;

/// <summary>The real app, in local-host or custom-handler mode, on a free port, against a given Azurite.</summary>
public sealed class PipelineHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PipelineHost(WebApplication app, int port, string connectionString, bool checksAnswers, bool isCustomHandler)
    {
        _app = app;
        // Every answer a test receives is checked against the app's own OpenAPI document: in local-host mode the
        // routes are the published API; in custom-handler mode they are the Functions host's invocation protocol, and
        // what the caller gets is each HTTP invocation's Outputs.res.
        var contract = new Lazy<ApiContract>(() => new ApiContract(app.Services.GetRequiredService<ApiDocument>().Json));
        HttpMessageHandler handler = !checksAnswers ? new SocketsHttpHandler()
            : isCustomHandler ? new HostAnswerContractHandler(() => Task.FromResult(contract.Value))
            : new ApiContractHandler(() => contract.Value);
        Client = new HttpClient(handler)
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        Storage = connectionString;
    }

    public HttpClient Client { get; }
    public string Storage { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>Settings every test host shares: short retry backoffs and four attempts, so retry tests run in seconds.</summary>
    public static Dictionary<string, string?> DefaultSettings(string storage, string? intercomUrl) => new()
    {
        ["AzureWebJobsStorage"] = storage,
        ["Intercom:BaseUrl"] = intercomUrl ?? "http://127.0.0.1:9",
        ["Intercom:AccessToken"] = intercomUrl is null ? null : "test-token",
        ["Intercom:TimeoutSeconds"] = "2",
        ["LocalHost:MaxDeliveryCount"] = "4",
        ["Retry:BaseDelaySeconds"] = "0.2",
        ["Retry:MaxDelaySeconds"] = "0.5",
        ["Retry:MaxAttempts"] = "4",
        ["LocalHost:VisibilityTimeoutSeconds"] = "30",
    };

    /// <param name="checksAnswers">Whether the client checks every answer against the API document (benchmarks,
    /// which time the calls, turn it off).</param>
    public static async Task<PipelineHost> StartLocalAsync(Dictionary<string, string?> settings,
        Action<IServiceCollection>? services = null, bool checksAnswers = true)
    {
        var port = FreePorts.Next();
        settings["PORT"] = port.ToString();
        return await StartAsync(settings, port, services, checksAnswers, isCustomHandler: false);
    }

    public static async Task<PipelineHost> StartCustomHandlerAsync(Dictionary<string, string?> settings,
        Action<IServiceCollection>? services = null)
    {
        var port = FreePorts.Next();
        settings["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString();
        return await StartAsync(settings, port, services, checksAnswers: true, isCustomHandler: true);
    }

    private static async Task<PipelineHost> StartAsync(Dictionary<string, string?> settings, int port,
        Action<IServiceCollection>? services, bool checksAnswers, bool isCustomHandler)
    {
        var app = PipelineApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        return new PipelineHost(app, port, settings["AzureWebJobsStorage"]!, checksAnswers, isCustomHandler);
    }

    public TableClient Table(string name) => new TableServiceClient(Storage).GetTableClient(name);

    public QueueClient Queue(string name) =>
        new QueueServiceClient(Storage, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }).GetQueueClient(name);

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public async Task StopAsync() => await _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
