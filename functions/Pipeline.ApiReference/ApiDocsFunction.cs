using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.ApiReference;

/// <summary>
/// <c>GET /api/docs</c>: the reference page, rendering <c>/api/openapi.json</c>; with <c>?asset=…</c> its script and
/// stylesheet. Anonymous, as the document is. The renderer's files are served from the assembly, never fetched.
/// </summary>
public sealed class ApiDocsFunction : IFunction
{
    // The ops page's policy: scripts and styles only from the page's own origin, nothing inline. The renderer sets
    // element styles from script (allowed: only style elements and attributes in the markup are inline styles) and
    // draws its icons as data: images.
    private static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["Cache-Control"] = "no-cache",
        ["X-Content-Type-Options"] = "nosniff",
        ["Referrer-Policy"] = "no-referrer",
        ["X-Frame-Options"] = "DENY",
        ["Content-Security-Policy"] = "default-src 'none'; script-src 'self'; style-src 'self'; " +
                                      "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    };

    public FunctionBindings Definition { get; } =
        FunctionBindings.Http("ApiDocs", "docs", ["get"], AuthLevel.Anonymous) with { WaitsForStorage = false };

    public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var name = AdminHttp.Query(invocation.Request!, "asset") ?? DocsPage.PageName;
        var response = DocsPage.Assets.TryGetValue(name, out var asset)
            ? new InvocationResponse(200, asset.Text, asset.ContentType) { Headers = Headers }
            : InvocationResponse.Error(404, "not_found", $"the docs page has no file '{RequestBodies.Clip(name, 80)}'; it has {string.Join(", ", DocsPage.Assets.Keys)}");
        return Task.FromResult(InvocationResult.Http(response));
    }
}
