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
    public static readonly EmbeddedPage Page = new("the ops page", typeof(OpsPage).Assembly, "Operations/wwwroot/",
        [("ops.html", "text/html; charset=utf-8"), ("ops.css", "text/css; charset=utf-8"), ("ops.js", "text/javascript; charset=utf-8")],
        imageSources: "data:");
}
