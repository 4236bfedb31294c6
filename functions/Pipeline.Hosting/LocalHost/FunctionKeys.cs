namespace Pipeline.Functions.LocalHost;

/// <summary>
/// The local host's stand-in for the Functions host's key check on <c>authLevel: function</c> (and admin) routes:
/// the key comes as <c>?code=</c> or the <c>x-functions-key</c> header and is compared in constant time.
/// </summary>
public static class FunctionKeys
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";

    public const string MissingKeyAnswer =
        """{"code":"401","message":"this route needs a function key: send it as ?code=<key> or in the x-functions-key header"}""";

    /// <returns>true when no key is configured, or when the request carries it.</returns>
    public static bool Allows(HttpRequest request, string? configuredKey) =>
        string.IsNullOrEmpty(configuredKey)
        || request.Headers[HeaderName].Concat(request.Query[QueryName]).Any(candidate => SharedSecrets.Matches(candidate, configuredKey));
}
