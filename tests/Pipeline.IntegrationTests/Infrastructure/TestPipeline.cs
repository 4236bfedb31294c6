namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// The one way integration tests start the app: a fresh Azurite, a stand-in for each destination the test
/// talks to, and the app (local host or custom handler) wired to them. Disposing it stops all of them.
/// <code>
/// await using var pipeline = await TestPipeline.Create().WithIntercom(new IntercomStandIn()).StartAsync();
/// </code>
/// </summary>
public sealed class TestPipeline : IAsyncDisposable
{
    private readonly Builder _builder;
    private readonly Dictionary<string, string?> _settings;

    private TestPipeline(Builder builder, Azurite? azurite, Dictionary<string, string?> settings, PipelineHost host)
    {
        _builder = builder;
        Azurite = azurite;
        _settings = settings;
        Host = host;
    }

    /// <summary>Null when the test asked for storage that does not answer.</summary>
    public Azurite? Azurite { get; }

    public PipelineHost Host { get; private set; }

    public static Builder Create() => new();

    /// <summary>Stops the app (gracefully, as a deployment would) and starts it again on the same storage and stand-ins.</summary>
    public async Task RestartAsync()
    {
        await Host.DisposeAsync();
        Host = await _builder.StartHostAsync(new Dictionary<string, string?>(_settings));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        foreach (var standIn in _builder.StandIns) standIn.Dispose();
        if (Azurite is not null) await Azurite.DisposeAsync();
    }

    public sealed class Builder
    {
        private readonly List<Action<Dictionary<string, string?>>> _settings = [];
        private readonly List<Action<IServiceCollection>> _services = [];
        private bool _customHandler;
        private bool _unreachableStorage;
        private bool _waitUntilHealthy = true;

        internal List<IDisposable> StandIns { get; } = [];

        /// <summary>A setting (keys with ':'), applied after the defaults and in order.</summary>
        public Builder With(string key, string? value)
        {
            _settings.Add(s => s[key] = value);
            return this;
        }

        public Builder WithSettings(Action<Dictionary<string, string?>> settings)
        {
            _settings.Add(settings);
            return this;
        }

        public Builder WithServices(Action<IServiceCollection> services)
        {
            _services.Add(services);
            return this;
        }

        /// <summary>A destination's stand-in, owned (and disposed) by the pipeline, and the settings that point the app at it.</summary>
        public Builder WithStandIn<T>(T standIn, Action<T, Dictionary<string, string?>> settings) where T : IDisposable
        {
            StandIns.Add(standIn);
            _settings.Add(s => settings(standIn, s));
            return this;
        }

        /// <param name="withToken">false: the app knows the URL but has no token, so it must not call.</param>
        public Builder WithIntercom(IntercomStandIn intercom, bool withToken = true) =>
            WithStandIn(intercom, (i, s) => IntercomSettings(s, i.Url, withToken));

        public Builder WithIntercom(RateLimitedIntercom intercom) =>
            WithStandIn(intercom, (i, s) => IntercomSettings(s, i.Url, withToken: true));

        /// <summary>The app behind the Functions host's protocol (FUNCTIONS_CUSTOMHANDLER_PORT) instead of the local host.</summary>
        public Builder AsCustomHandler()
        {
            _customHandler = true;
            return this;
        }

        /// <summary>No Azurite: the storage connection points at a closed port.</summary>
        public Builder WithUnreachableStorage()
        {
            _unreachableStorage = true;
            _waitUntilHealthy = false;
            return this;
        }

        public async Task<TestPipeline> StartAsync()
        {
            var azurite = _unreachableStorage ? null : await Azurite.StartAsync();
            try
            {
                var settings = PipelineHost.DefaultSettings(azurite?.ConnectionString ?? UnreachableStorage(), null);
                foreach (var apply in _settings) apply(settings);
                var host = await StartHostAsync(new Dictionary<string, string?>(settings));
                return new TestPipeline(this, azurite, settings, host);
            }
            catch
            {
                if (azurite is not null) await azurite.DisposeAsync();
                throw;
            }
        }

        internal async Task<PipelineHost> StartHostAsync(Dictionary<string, string?> settings)
        {
            var host = _customHandler
                ? await PipelineHost.StartCustomHandlerAsync(settings, Services)
                : await PipelineHost.StartLocalAsync(settings, Services);
            if (_waitUntilHealthy) await Eventually.TrueAsync(() => IsHealthyAsync(host), "the app reports healthy");
            return host;
        }

        /// <summary>Health answers 200 once the tables and queues exist; under the custom handler it is an invocation.</summary>
        private async Task<bool> IsHealthyAsync(PipelineHost host)
        {
            if (!_customHandler) return (await host.Client.GetAsync("api/health")).IsSuccessStatusCode;
            const string payload = """{"Data":{"req":{"Url":"http://x/api/health","Method":"GET","Headers":{},"Params":{}}},"Metadata":{}}""";
            var response = await host.Client.PostAsync("/Health", new StringContent(payload, Encoding.UTF8, "application/json"));
            return (await response.Content.ReadAsStringAsync()).Contains("\"statusCode\":200");
        }

        private void Services(IServiceCollection services)
        {
            foreach (var configure in _services) configure(services);
        }

        private static void IntercomSettings(Dictionary<string, string?> settings, string url, bool withToken)
        {
            settings["Intercom:BaseUrl"] = url;
            settings["Intercom:AccessToken"] = withToken ? "test-token" : null;
        }

        private static string UnreachableStorage()
        {
            var closedPort = FreePorts.Next();
            return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;" +
                   $"QueueEndpoint=http://127.0.0.1:{closedPort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{closedPort}/devstoreaccount1;";
        }
    }
}
