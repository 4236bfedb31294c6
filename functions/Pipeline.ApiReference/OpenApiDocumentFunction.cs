using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.ApiReference;

/// <summary><c>GET /api/openapi.json</c>: the OpenAPI 3.1 document of every HTTP route. Anonymous: it holds no secret.</summary>
public sealed class OpenApiDocumentFunction(ApiDocument document) : IFunction
{
    public const string Route = "openapi.json";

    public FunctionBindings Definition { get; } =
        FunctionBindings.Http("OpenApiDocument", Route, ["get"], AuthLevel.Anonymous) with { WaitsForStorage = false };

    public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        Task.FromResult(InvocationResult.Http(new InvocationResponse(200, document.Json)
        {
            Headers = new Dictionary<string, string>
            {
                ["Cache-Control"] = "no-cache",
                ["X-Content-Type-Options"] = "nosniff",
                // Read by the docs page and by client generators on other origins.
                ["Access-Control-Allow-Origin"] = "*",
            },
        }));
}
