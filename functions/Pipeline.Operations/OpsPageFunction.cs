namespace Pipeline.Functions.Operations;

/// <summary>
/// <c>GET /api/ops</c>: the operator's page, and with <c>?asset=ops.css</c> or <c>?asset=ops.js</c> its stylesheet and
/// script. Anonymous, because these are only static files: every figure on the page comes from the admin API, called
/// with the key the operator types in.
/// </summary>
public sealed class OpsPageFunction
{
    [Function("OpsPage")]
    [WithoutStorageWait]
    public static HttpResponseData Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = AdminRoutes.Prefix)] HttpRequestData request)
        => OpsPage.Page.Answer(request);
}
