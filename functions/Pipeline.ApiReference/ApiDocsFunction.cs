namespace Pipeline.Functions.ApiReference;

/// <summary>
/// <c>GET /api/docs</c>: the reference page, rendering <c>/api/openapi.json</c>; with <c>?asset=…</c> its script and
/// stylesheet. Anonymous, as the document is. The renderer's files are served from the assembly, never fetched.
/// </summary>
public sealed class ApiDocsFunction
{
    [Function("ApiDocs")]
    [WithoutStorageWait]
    public static HttpResponseData Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs")] HttpRequestData req)
        => DocsPage.Page.Answer(req);
}
