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

    public static FunctionBindings Get(string name, string path, params QueueOutput[] outputs) => Declare(name, path, "get", outputs);

    public static FunctionBindings Post(string name, string path, params QueueOutput[] outputs) => Declare(name, path, "post", outputs);

    private static FunctionBindings Declare(string name, string path, string method, QueueOutput[] outputs) =>
        new(name, new HttpRoute(Route(path), [method], AuthLevel.Function) { LocalAlias = $"{LocalPrefix}/{path}" }, outputs);
}
