namespace Pipeline.Functions.ApiReference;

/// <summary><c>GET /api/openapi.json</c>: the OpenAPI 3.1 document of every HTTP route. Anonymous: it holds no secret.</summary>
public sealed class OpenApiDocumentFunction(ApiDocument document)
{
    public const string Route = "openapi.json";

    [Function("OpenApiDocument")]
    [WithoutStorageWait]
    public HttpResponseData Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Route)] HttpRequestData req)
    {
        var response = req.CreateJsonResponse(HttpStatusCode.OK, document.Json);
        response.Headers.Add("Cache-Control", "no-cache");
        response.Headers.Add("X-Content-Type-Options", "nosniff");
        // Read by the docs page and by client generators on other origins.
        response.Headers.Add("Access-Control-Allow-Origin", "*");
        return response;
    }
}
