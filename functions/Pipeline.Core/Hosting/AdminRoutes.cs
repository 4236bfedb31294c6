namespace Pipeline.Functions.Hosting;

/// <summary>
/// Where admin routes live. The issues give them as <c>/api/admin/…</c>, but the Azure Functions host reserves every
/// function route that begins with <c>admin</c> for its own management API and refuses to load such a function. So
/// they are declared under <c>/api/ops/…</c>, which both hosts serve, and the local host also serves them at
/// <c>/api/admin/…</c> (<see cref="HttpRoute.LocalAlias"/>).
/// </summary>
public static class AdminRoutes
{
    /// <summary>The admin API's route prefix (under <c>api/</c>); the ops page is served at the prefix itself.</summary>
    public const string Prefix = "ops";

    public const string LocalPrefix = "admin";

    public static string Route(string path) => $"{Prefix}/{path}";

    /// <summary>Where the local host also serves a route: <c>admin/…</c> for every <c>ops/…</c>, none for the rest.</summary>
    public static string? LocalAliasOf(string route) =>
        route.StartsWith(Prefix + "/", StringComparison.Ordinal) ? LocalPrefix + route[Prefix.Length..] : null;
}
