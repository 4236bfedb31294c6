using System.Collections.Frozen;
using System.Reflection;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// A page served from files embedded in a module's assembly (its <c>wwwroot/</c>, so that the published handler
/// carries them; no build step, nothing fetched from elsewhere): the page on its route, each other file with
/// <c>?asset=name</c> on the same route (no routes of their own; they resolve the same with or without a trailing
/// slash). Scripts and styles come only from the page's own origin: no inline script, style element, style attribute
/// or event-handler attribute runs, so nothing injected into the page could either.
/// </summary>
public sealed class EmbeddedPage
{
    /// <summary>One file of the page: its text and the Content-Type it is served with.</summary>
    public sealed record Asset(string Text, string ContentType);

    private readonly string _what;
    private readonly string _pageName;
    private readonly IReadOnlyDictionary<string, string> _headers;

    /// <param name="what">How the 404 names the page ("the ops page").</param>
    /// <param name="resourcePrefix">How the module's csproj names its embedded files (<c>Operations/wwwroot/</c>).</param>
    /// <param name="files">Each file by name, with its Content-Type; the first is the page.</param>
    /// <param name="imageSources">The Content-Security-Policy's <c>img-src</c>.</param>
    public EmbeddedPage(string what, Assembly assembly, string resourcePrefix, IReadOnlyList<(string Name, string ContentType)> files,
        string imageSources)
    {
        _what = what;
        _pageName = files[0].Name;
        Assets = files.ToFrozenDictionary(f => f.Name, f => Read(assembly, resourcePrefix + f.Name, f.ContentType), StringComparer.Ordinal);
        _headers = new Dictionary<string, string>
        {
            ["Cache-Control"] = "no-cache",
            ["X-Content-Type-Options"] = "nosniff",
            ["Referrer-Policy"] = "no-referrer",
            ["X-Frame-Options"] = "DENY",
            ["Content-Security-Policy"] = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
                                          $"img-src {imageSources}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        };
    }

    public FrozenDictionary<string, Asset> Assets { get; }

    /// <summary>The page, or the file <c>?asset=</c> names; a 404 naming the files there are.</summary>
    public HttpResponseData Answer(HttpRequestData request)
    {
        var name = AdminHttp.Query(request, "asset") ?? _pageName;
        if (!Assets.TryGetValue(name, out var asset))
            return request.CreateErrorResponse(404, "not_found",
                $"{_what} has no file '{RequestBodies.Clip(name, 80)}'; it has {string.Join(", ", Assets.Keys)}");
        var response = request.CreateResponse(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("Content-Type", asset.ContentType);
        foreach (var (header, value) in _headers) response.Headers.TryAddWithoutValidation(header, value);
        response.WriteString(asset.Text);
        return response;
    }

    private static Asset Read(Assembly assembly, string resource, string contentType)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
                           ?? throw new InvalidOperationException($"the assembly lacks the embedded resource {resource}");
        using var reader = new StreamReader(stream);
        return new Asset(reader.ReadToEnd(), contentType);
    }
}
