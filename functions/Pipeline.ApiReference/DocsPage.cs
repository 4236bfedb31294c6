namespace Pipeline.Functions.ApiReference;

/// <summary>
/// The reference page: an HTML document, a script that starts the renderer on <c>/api/openapi.json</c>, and the
/// renderer itself (swagger-ui-dist's bundle and stylesheet, from its npm package), all embedded in the assembly.
/// </summary>
public static class DocsPage
{
    // The renderer sets element styles from script (allowed: only style elements and attributes in the markup are
    // inline styles) and draws its icons as data: images.
    public static readonly EmbeddedPage Page = new("the docs page", typeof(DocsPage).Assembly, "ApiReference/wwwroot/",
    [
        ("docs.html", "text/html; charset=utf-8"), ("docs.js", "text/javascript; charset=utf-8"),
        ("swagger-ui-bundle.js", "text/javascript; charset=utf-8"), ("swagger-ui.css", "text/css; charset=utf-8"),
    ], imageSources: "'self' data:");
}
