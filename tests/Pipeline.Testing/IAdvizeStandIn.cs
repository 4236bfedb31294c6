using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Pipeline.Testing;

/// <summary>
/// A WireMock.Net stand-in for iAdvize's REST API v2 under <c>/api/2</c>: visitor lookups find nothing, creates and
/// updates succeed, and <c>GET /client</c> accepts only <see cref="GoodKey"/>, unless a test says otherwise.
/// </summary>
public sealed class IAdvizeStandIn : IDisposable
{
    public const string GoodKey = "iadvize-test-key";
    public const string Base = "/api/2";


    public WireMockServer Server { get; }

    public IAdvizeStandIn(int? port = null)
    {
        Server = StandInServer.Start(port);
        Answer("/visitor", "GET", 200, """{"meta":{"status":"success"},"data":[],"pagination":{"page":1,"pages":0,"limit":20,"count":0}}""");
        Answer("/visitor", "POST", 200, """{"meta":{"status":"success"},"data":{"id":1,"unique_id":"unique-default","_link":"/visitor/1"}}""");
        Answer("/visitor/*", "PUT", 200, """{"meta":{"status":"success"},"data":{"id":1,"_link":"/visitor/1"}}""");
        Answer("/client", "GET", 403, """{"meta":{"status":"error","message":"Forbidden"}}""");
        Server.Given(Request.Create().WithPath(Base + "/client").UsingGet().WithHeader("X-API-Key", GoodKey))
            .AtPriority(10)
            .RespondWith(Json(200, """{"meta":{"status":"success"},"data":[{"id":1,"_link":"/client/1"}]}"""));
    }

    public string Url => Server.Url!;
    public string BaseUrl => Url + Base;

    /// <summary>The default answer for a path under the base (lowest priority; tests add more specific ones).</summary>
    public void Answer(string path, string method, int status, string body, int priority = 100) =>
        Server.Given(Request.Create().WithPath(Base + path).UsingMethod(method)).AtPriority(priority).RespondWith(Json(status, body));

    /// <summary>A lookup by external id finds this iAdvize visitor.</summary>
    public void VisitorExists(string externalId, int id, string uniqueId) =>
        Server.Given(Request.Create().WithPath(Base + "/visitor").UsingGet().WithParam("filters[external_id]", externalId))
            .AtPriority(5)
            .RespondWith(Json(200, $$"""{"meta":{"status":"success"},"data":[{"id":{{id}},"unique_id":"{{uniqueId}}","external_id":"{{externalId}}","_link":"/visitor/{{id}}"}],"pagination":{"page":1,"pages":1,"limit":20,"count":1} }"""));

    /// <summary>A lookup by this external id (or another <paramref name="filter"/>) answers <paramref name="status"/> and <paramref name="body"/>.</summary>
    public void OnLookup(string value, int status, string body, string filter = "external_id") =>
        Server.Given(Request.Create().WithPath(Base + "/visitor").UsingGet().WithParam($"filters[{filter}]", value))
            .AtPriority(5)
            .RespondWith(Json(status, body));

    /// <summary>Creating the visitor with this external id answers <paramref name="status"/> and <paramref name="body"/>.</summary>
    public void OnCreate(string externalId, int status, string body) =>
        Server.Given(Request.Create().WithPath(Base + "/visitor").UsingPost().WithBody(b => b?.Contains("external_id=" + externalId) == true))
            .AtPriority(5)
            .RespondWith(Json(status, body));

    /// <summary>The first create of this visitor answers 429 with <c>Retry-After</c>; later ones succeed.</summary>
    public void ThrottleOnce(string externalId, int retryAfterSeconds, int id, string uniqueId)
    {
        var scenario = "throttle-" + externalId;
        Server.Given(Request.Create().WithPath(Base + "/visitor").UsingPost().WithBody(b => b?.Contains("external_id=" + externalId) == true))
            .AtPriority(4).InScenario(scenario).WillSetStateTo("throttled")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", retryAfterSeconds.ToString())
                .WithHeader("Content-Type", "application/json").WithBody("""{"meta":{"status":"error","message":"Too many requests"}}"""));
        Server.Given(Request.Create().WithPath(Base + "/visitor").UsingPost().WithBody(b => b?.Contains("external_id=" + externalId) == true))
            .AtPriority(4).InScenario(scenario).WhenStateIs("throttled")
            .RespondWith(Json(200, $$"""{"meta":{"status":"success"},"data":{"id":{{id}},"unique_id":"{{uniqueId}}","_link":"/visitor/{{id}}"} }"""));
    }

    /// <summary>Looking this unique id up finds a visitor with that external id and email.</summary>
    public void UniqueIdIs(string uniqueId, string? externalId, string? email) =>
        Server.Given(Request.Create().WithPath(Base + "/visitor").UsingGet().WithParam("filters[unique_id]", uniqueId))
            .AtPriority(5)
            .RespondWith(Json(200, $$"""{"meta":{"status":"success"},"data":[{"id":77,"unique_id":"{{uniqueId}}","external_id":{{Quote(externalId)}},"email":{{Quote(email)}},"_link":"/visitor/77"}]}"""));

    public sealed record Call(string Method, string Path, IReadOnlyDictionary<string, string> Query,
        IReadOnlyDictionary<string, string> Form, string? ApiKey, DateTime At);

    /// <summary>Requests received in arrival order, with their query and form fields; optionally only those mentioning a value.</summary>
    public IReadOnlyList<Call> Calls(string? mentioning = null) =>
        Server.LogEntries
            .Where(e => e.RequestMessage is not null)
            .Select(e => e.RequestMessage!)
            .Select(m => new Call(m.Method, m.Path.StartsWith(Base, StringComparison.Ordinal) ? m.Path[Base.Length..] : m.Path,
                (m.Query ?? new Dictionary<string, WireMock.Types.WireMockList<string>>())
                    .ToDictionary(kv => kv.Key, kv => kv.Value.FirstOrDefault() ?? ""),
                ParseForm(m.Body),
                m.Headers is { } h && h.TryGetValue("X-API-Key", out var key) ? key.FirstOrDefault() : null,
                m.DateTime))
            .Where(c => mentioning is null || c.Path.Contains(mentioning) || c.Query.Values.Contains(mentioning) || c.Form.Values.Contains(mentioning))
            .OrderBy(c => c.At)
            .ToList();

    private static Dictionary<string, string> ParseForm(string? body) =>
        string.IsNullOrEmpty(body) ? new() : Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body)
            .ToDictionary(kv => kv.Key, kv => kv.Value.ToString());

    private static string Quote(string? value) => value is null ? "null" : JsonSerializer.Serialize(value);

    private static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    public void Dispose() => Server.Stop();
}
