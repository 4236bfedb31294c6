using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.ApiReference;

/// <summary>
/// The app's OpenAPI document, generated once from the catalogue and the modules' descriptions. The catalogue is
/// resolved on first use: it holds the function that serves this document.
/// </summary>
public sealed class ApiDocument(IServiceProvider services)
{
    private readonly Lazy<string> _json = new(() => ApiDocumentGenerator.ToJson(ApiDocumentGenerator.Generate(
        services.GetRequiredService<FunctionCatalog>(), services.GetServices<IApiDescription>())));

    public string Json => _json.Value;
}

/// <summary>Generates the document as the app starts, so an HTTP function left undescribed stops the start, not a caller.</summary>
internal sealed class ApiDocumentAtStart(ApiDocument document) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = document.Json;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
