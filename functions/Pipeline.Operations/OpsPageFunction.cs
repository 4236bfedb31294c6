using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Operations;

/// <summary>
/// <c>GET /api/ops</c>: the operator's page. Anonymous, because it is only static HTML: every figure on it comes
/// from the admin API, called with the key the operator types in.
/// </summary>
public sealed class OpsPageFunction : IFunction
{
    private static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>
    {
        ["Cache-Control"] = "no-cache",
        ["X-Content-Type-Options"] = "nosniff",
        ["Referrer-Policy"] = "no-referrer",
        ["X-Frame-Options"] = "DENY",
        ["Content-Security-Policy"] = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; " +
                                      "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    };

    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("OpsPage", AdminRoutes.Prefix, ["get"], AuthLevel.Anonymous) with { WaitsForStorage = false };

    public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        Task.FromResult(InvocationResult.Http(new HttpResponseData(200, OpsPage.Html, "text/html; charset=utf-8") { Headers = Headers }));
}
