using System.Diagnostics;
using System.Net.Http.Headers;

namespace Pipeline.Testing;

/// <summary>
/// The published custom handler (<c>./publish</c>) run as the Functions host runs it: its own process, started in the
/// directory host.json names, serving <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>; ready once <c>GET /</c> answers anything.
/// </summary>
public sealed class PublishedHandler : IAsyncDisposable
{
    private static readonly SemaphoreSlim PublishLock = new(1, 1);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PublishedHandler(Process process, int port)
    {
        _process = process;
        var address = new Uri($"http://127.0.0.1:{port}/");
        _contract = new Lazy<Task<ApiContract>>(() => PublishedContractAsync(address));
        // Every HTTP invocation's answer is checked against the API document the package itself publishes.
        Client = new HttpClient(new HostAnswerContractHandler(() => _contract.Value)) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    private readonly Lazy<Task<ApiContract>> _contract;

    /// <summary>The package's <c>GET /api/openapi.json</c>, asked for as the host would (its OpenApiDocument function).</summary>
    private static async Task<ApiContract> PublishedContractAsync(Uri address)
    {
        const string function = "OpenApiDocument";
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        using var response = await client.PostAsync("/" + function,
            new StringContent(HostPayloads.Http(function, "get", "openapi.json"), Encoding.UTF8, "application/json"));
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var res = answer.GetProperty("Outputs").GetProperty("res");
        if (res.GetProperty("statusCode").GetInt32() != 200)
            throw new InvalidOperationException($"the package did not serve its API document: {answer}");
        return new ApiContract(res.GetProperty("body").GetString()!);
    }

    public HttpClient Client { get; }

    /// <summary>From process start to the first answer on <c>GET /</c>.</summary>
    public TimeSpan ReadyAfter { get; private set; }

    public bool HasExited => _process.HasExited;

    /// <summary>CPU time the process has used so far (less sensitive to a busy machine than <see cref="ReadyAfter"/>).</summary>
    public TimeSpan ProcessorTime => _process.TotalProcessorTime;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static string AppRoot => Path.Combine(RepositoryRoot.Find(), "artifacts", "publish", "app-root");

    /// <summary>The executable host.json names (<c>customHandler.description.defaultExecutablePath</c>).</summary>
    public static string Executable
    {
        get
        {
            using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppRoot, "host.json")));
            var path = host.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString()!;
            return Path.Combine(AppRoot, path);
        }
    }

    /// <summary>Runs <c>./publish</c> when there is no package yet (<c>./test</c> publishes before the tests run).</summary>
    public static async Task EnsurePublishedAsync()
    {
        await PublishLock.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(AppRoot, "host.json")) && File.Exists(Executable)) return;
            var start = new ProcessStartInfo("bash") { ArgumentList = { Path.Combine(RepositoryRoot.Find(), "publish") }, RedirectStandardOutput = true, RedirectStandardError = true };
            using var publish = Process.Start(start)!;
            var output = publish.StandardOutput.ReadToEndAsync();
            var errors = await publish.StandardError.ReadToEndAsync();
            await publish.WaitForExitAsync();
            if (publish.ExitCode != 0) throw new InvalidOperationException($"./publish failed: {errors}{await output}");
        }
        finally
        {
            PublishLock.Release();
        }
    }

    /// <summary>Starts the published handler with the given app settings (<c>Section__Key</c> form).</summary>
    public static Task<PublishedHandler> StartAsync(IReadOnlyDictionary<string, string?> settings) =>
        StartAsync(Executable, [], settings);

    /// <summary>Starts any build of the handler (<c>dotnet Pipeline.Functions.dll</c> for the JIT build, say).</summary>
    public static async Task<PublishedHandler> StartAsync(string fileName, string[] arguments, IReadOnlyDictionary<string, string?> settings,
        TimeSpan? timeout = null)
    {
        var port = FreePorts.Next();
        var executable = arguments.Length > 0 ? arguments[0] : fileName;
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(executable))!,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in settings) start.Environment[key] = value;
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString();

        var started = Stopwatch.StartNew();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var handler = new PublishedHandler(process, port);
        process.OutputDataReceived += (_, e) => { lock (handler._output) handler._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (handler._output) handler._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // As the host does: poll GET / every 25 ms until any HTTP answer arrives.
        var deadline = timeout ?? TimeSpan.FromSeconds(30);
        using var probe = new HttpClient { BaseAddress = handler.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            try
            {
                using var _ = await probe.GetAsync("/");
                handler.ReadyAfter = started.Elapsed;
                return handler;
            }
            catch (HttpRequestException)
            {
            }
            if (process.HasExited || started.Elapsed > deadline)
            {
                var output = handler.Output;
                await handler.DisposeAsync();
                throw new InvalidOperationException($"the handler did not answer GET / within {deadline}: {output}");
            }
            await Task.Delay(25);
        }
    }

    /// <summary>Posts one invocation as the host does (<c>POST /{FunctionName}</c> with the host's headers).</summary>
    public async Task<HostAnswer> InvokeAsync(string functionName, string payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + functionName)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1040.300.0");
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Azure-Functions-Host", "4.1040.300.0"));
        using var response = await Client.SendAsync(request);
        return new HostAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

/// <summary>The handler's answer to one invocation.</summary>
public sealed record HostAnswer(int Status, string? MediaType, string Text)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement;
}
