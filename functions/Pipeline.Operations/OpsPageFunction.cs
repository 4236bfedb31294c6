using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Operations;

/// <summary>
/// <c>GET /api/ops</c>: the operator's page, and with <c>?asset=ops.css</c> or <c>?asset=ops.js</c> its stylesheet and
/// script. Anonymous, because these are only static files: every figure on the page comes from the admin API, called
/// with the key the operator types in.
/// </summary>
public sealed class OpsPageFunction
{
    // Scripts and styles only from the page's own origin: no inline script, style element, style attribute or
    // event-handler attribute runs, so nothing injected into the page could either.
    private static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["Cache-Control"] = "no-cache",
        ["X-Content-Type-Options"] = "nosniff",
        ["Referrer-Policy"] = "no-referrer",
        ["X-Frame-Options"] = "DENY",
        ["Content-Security-Policy"] = "default-src 'none'; script-src 'self'; style-src 'self'; " +
                                      "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    };

    [Function("OpsPage")]
    [WithoutStorageWait]
    public static HttpResponseData Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = AdminRoutes.Prefix)] HttpRequestData request)
    {
        var name = AdminHttp.Query(request, "asset") ?? OpsPage.PageName;
        if (!OpsPage.Assets.TryGetValue(name, out var asset))
            return request.CreateErrorResponse(404, "not_found",
                $"the ops page has no file '{RequestBodies.Clip(name, 80)}'; it has {string.Join(", ", OpsPage.Assets.Keys)}");
        var response = request.CreateResponse(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("Content-Type", asset.ContentType);
        foreach (var (header, value) in Headers) response.Headers.TryAddWithoutValidation(header, value);
        response.WriteString(asset.Text);
        return response;
    }
}
