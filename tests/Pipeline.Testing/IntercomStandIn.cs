using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Pipeline.Testing;

/// <summary>
/// A WireMock.Net stand-in for the Intercom REST API, answering 200 to company upserts unless told otherwise, with
/// the ids Intercom's answers carry (the pipeline keeps the company and contact ids). Tests start it on a free port;
/// <c>./run --stand-ins</c> starts it on the one it chose.
/// </summary>
public sealed class IntercomStandIn : IDisposable
{
    public WireMockServer Server { get; }

    public IntercomStandIn(int? port = null)
    {
        Server = StandInServer.Start(port);
        Answer("/companies", "POST", 200, """{"type":"company","id":"6f1e"}""");
        Answer("/contacts/search", "POST", 200, """{"type":"list","data":[],"total_count":0}""");
        Answer("/contacts", "POST", 200, """{"type":"contact","id":"contact-new"}""");
        Answer("/contacts/*", "PUT", 200, """{"type":"contact","id":"contact-existing"}""");
        Answer("/contacts/*/companies", "POST", 200, """{"type":"company","id":"6f1e"}""");
        Answer("/events", "POST", 202, "");
        Answer("/data_attributes", "POST", 200, """{"type":"data_attribute"}""");
    }

    /// <summary>The default answer for a path (lowest priority; tests add more specific ones).</summary>
    public void Answer(string path, string method, int status, string body, int priority = 100) =>
        Server.Given(Request.Create().WithPath(path).UsingMethod(method))
            .AtPriority(priority)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    /// <summary>Every request the stand-in received for a path and method, bodies parsed.</summary>
    public IReadOnlyList<(string Path, JsonElement Body)> Calls(string method, string pathPrefix) =>
        Server.LogEntries
            .Where(e => e.RequestMessage?.Method == method && e.RequestMessage.Path.StartsWith(pathPrefix, StringComparison.Ordinal))
            .Select(e => (e.RequestMessage!.Path, JsonDocument.Parse(string.IsNullOrEmpty(e.RequestMessage.Body) ? "{}" : e.RequestMessage.Body).RootElement))
            .ToList();

    public string Url => Server.Url!;

    /// <summary>Company upserts received for one company id, in arrival order.</summary>
    public IReadOnlyList<JsonElement> CompanyCalls(string companyId) =>
        Server.LogEntries
            .Where(e => e.RequestMessage?.Path == "/companies" && e.RequestMessage.Method == "POST")
            .Select(e => JsonDocument.Parse(e.RequestMessage!.Body ?? "{}").RootElement)
            .Where(b => b.TryGetProperty("company_id", out var id) && id.GetString() == companyId)
            .ToList();

    /// <summary>Answers every upsert for this company with <paramref name="status"/>.</summary>
    public void Fail(string companyId, int status, string body = """{"type":"error.list","errors":[{"code":"server_error","message":"boom"}]}""") =>
        Server.Given(Request.Create().WithPath("/companies").UsingPost().WithBody(b => b?.Contains($"\"company_id\":\"{companyId}\"") == true))
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    /// <summary>The first upsert for this company gets <paramref name="firstStatus"/> (or a delay), every later one 200.</summary>
    public void FailOnce(string companyId, int firstStatus, TimeSpan? firstDelay = null, TimeSpan? retryAfter = null)
    {
        var scenario = "once-" + companyId;
        var first = Response.Create().WithStatusCode(firstStatus).WithBody("""{"type":"error.list","errors":[{"code":"service_unavailable"}]}""");
        if (firstDelay is { } delay) first = first.WithDelay(delay);
        if (retryAfter is { } wait) first = first.WithHeader("Retry-After", ((int)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Server.Given(Request.Create().WithPath("/companies").UsingPost().WithBody(b => b?.Contains($"\"company_id\":\"{companyId}\"") == true))
            .AtPriority(1)
            .InScenario(scenario).WillSetStateTo("failed-once")
            .RespondWith(first);
        Server.Given(Request.Create().WithPath("/companies").UsingPost().WithBody(b => b?.Contains($"\"company_id\":\"{companyId}\"") == true))
            .AtPriority(1)
            .InScenario(scenario).WhenStateIs("failed-once")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"type":"company"}"""));
    }

    /// <summary>When each upsert for this company reached the stand-in.</summary>
    public IReadOnlyList<DateTime> CompanyCallTimes(string companyId) =>
        Server.LogEntries
            .Where(e => e.RequestMessage?.Path == "/companies" && e.RequestMessage.Method == "POST"
                        && e.RequestMessage.Body?.Contains($"\"company_id\":\"{companyId}\"") == true)
            .Select(e => e.RequestMessage!.DateTime)
            .Order()
            .ToList();

    /// <summary>Answers every upsert for this company with <paramref name="status"/> for <paramref name="duration"/>: an outage.</summary>
    public void FailFor(string companyId, int status, TimeSpan duration)
    {
        var until = DateTime.UtcNow + duration;
        Server.Given(Request.Create().WithPath("/companies").UsingPost()
                .WithBody(b => b?.Contains($"\"company_id\":\"{companyId}\"") == true && DateTime.UtcNow < until))
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
                .WithBody("""{"type":"error.list","errors":[{"code":"server_error","message":"outage"}]}"""));
    }

    public void Dispose() => Server.Stop();
}
