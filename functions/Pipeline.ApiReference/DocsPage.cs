using System.Collections.Frozen;

namespace Pipeline.Functions.ApiReference;

/// <summary>
/// The reference page: an HTML document, a script that starts the renderer on <c>/api/openapi.json</c>, and the
/// renderer itself (swagger-ui-dist's bundle and stylesheet, from its npm package), all embedded in the assembly.
/// </summary>
public static class DocsPage
{
    public sealed record Asset(string Text, string ContentType);

    public const string PageName = "docs.html";

    /// <summary>The files the page loads, by the name it asks for (<c>?asset=docs.js</c>).</summary>
    public static readonly FrozenDictionary<string, Asset> Assets = new Dictionary<string, Asset>(StringComparer.Ordinal)
    {
        [PageName] = Read(PageName, "text/html; charset=utf-8"),
        ["docs.js"] = Read("docs.js", "text/javascript; charset=utf-8"),
        ["swagger-ui-bundle.js"] = Read("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
        ["swagger-ui.css"] = Read("swagger-ui.css", "text/css; charset=utf-8"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static Asset Read(string name, string contentType)
    {
        var resource = ResourcePrefix + name;
        using var stream = typeof(DocsPage).Assembly.GetManifestResourceStream(resource)
                           ?? throw new InvalidOperationException($"the assembly lacks the embedded resource {resource}");
        using var reader = new StreamReader(stream);
        return new Asset(reader.ReadToEnd(), contentType);
    }

    // The csproj names each embedded file this way.
    private const string ResourcePrefix = "ApiReference/wwwroot/";
}
