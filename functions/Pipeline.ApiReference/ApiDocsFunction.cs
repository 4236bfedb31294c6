using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.ApiReference;

/// <summary>
/// <c>GET /api/docs</c>: the reference page, rendering <c>/api/openapi.json</c>; with <c>?asset=…</c> its script and
/// stylesheet. Anonymous, as the document is. The renderer's files are served from the assembly, never fetched.
/// </summary>
public sealed class ApiDocsFunction
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

    [Function("ApiDocs")]
    [WithoutStorageWait]
    public static HttpResponseData Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs")] HttpRequestData req)
    {
        var name = AdminHttp.Query(req, "asset") ?? DocsPage.PageName;
        if (!DocsPage.Assets.TryGetValue(name, out var asset))
            return req.CreateErrorResponse(404, "not_found",
                $"the docs page has no file '{RequestBodies.Clip(name, 80)}'; it has {string.Join(", ", DocsPage.Assets.Keys)}");
        var response = req.CreateResponse(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("Content-Type", asset.ContentType);
        foreach (var (header, value) in Headers) response.Headers.TryAddWithoutValidation(header, value);
        response.WriteString(asset.Text);
        return response;
    }
}
