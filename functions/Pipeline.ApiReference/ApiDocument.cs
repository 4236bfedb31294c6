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

/// <summary>
/// Checks as the app starts that every HTTP function is described, so an undescribed one stops the start, not a
/// caller. The document itself is written on its first request: writing it takes some 350 ms of CPU, which every
/// cold start would otherwise spend before its first answer.
/// </summary>
internal sealed class ApiDocumentAtStart(FunctionCatalog catalog, IEnumerable<IApiDescription> descriptions) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        ApiDocumentGenerator.Check(catalog, descriptions);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
