using System.Collections.Frozen;

namespace Pipeline.Functions.Operations;

/// <summary>
/// The ops page: an HTML document with its stylesheet and script beside it (<c>wwwroot/</c>, embedded in the assembly
/// so that the published handler carries them; no build step, nothing fetched from elsewhere). The page asks once for
/// the admin key and, where the host requires function keys (as in Azure), the function key; keeps both in
/// sessionStorage; and sends them as X-Api-Key and x-functions-key to the admin API under its own path
/// (<c>/api/ops/…</c>). A 401 from the app names the admin key; any other 401 is the host refusing the function key.
/// </summary>
public static class OpsPage
{
    /// <summary>One file of the page: its text and the Content-Type it is served with.</summary>
    public sealed record Asset(string Text, string ContentType);

    public const string PageName = "ops.html";

    /// <summary>
    /// The files the page loads, by the name it asks for (<c>?asset=ops.js</c>): a query on the page's own route, so
    /// they need no route of their own and resolve the same with or without a trailing slash.
    /// </summary>
    public static readonly FrozenDictionary<string, Asset> Assets = new Dictionary<string, Asset>(StringComparer.Ordinal)
    {
        [PageName] = Read(PageName, "text/html; charset=utf-8"),
        ["ops.css"] = Read("ops.css", "text/css; charset=utf-8"),
        ["ops.js"] = Read("ops.js", "text/javascript; charset=utf-8"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static Asset Read(string name, string contentType)
    {
        var resource = ResourcePrefix + name;
        using var stream = typeof(OpsPage).Assembly.GetManifestResourceStream(resource)
                           ?? throw new InvalidOperationException($"the assembly lacks the embedded resource {resource}");
        using var reader = new StreamReader(stream);
        return new Asset(reader.ReadToEnd(), contentType);
    }

    // The csproj names each embedded file of wwwroot/ this way.
    private const string ResourcePrefix = "Operations/wwwroot/";
}
