namespace Pipeline.IntegrationTests.Reportei;

/// <summary>
/// Every API reads a JSON body by one rule before it looks at its fields: past the route's limit a 413, not JSON (a
/// property named twice included) or not one object a 400, each told in a sentence, in the API's own error shape
/// (every answer here is also checked against the API document). Reportei's bodies are all fields, so an empty one
/// there lists what is missing instead of being refused whole.
/// </summary>
public sealed class RequestBodyRuleTests(ReporteiFixture fixture) : IClassFixture<ReporteiFixture>
{
    /// <summary>Each route (POST unless a method is named), who may call it, and its limit in bytes.</summary>
    private static readonly (string Route, string Caller, int Limit)[] Routes =
    [
        ("api/push/cart_recovered", "anyone", 64 * 1024),
        ("api/v1/analytics_events", "anyone", 64 * 1024),
        ("api/metrics/get-data", "reportei", 64 * 1024),
        ("PUT api/metrics/integrations/6f1c4a52-3f0e-4d4b-9f39-8d0f0e4e2a11", "admin", 16 * 1024),
        ("api/ops/replay", "admin", 16 * 1024),
        ("api/ops/dead-letters/requeue", "admin", 64 * 1024),
    ];

    /// <summary>Each body, and the status and message every route answers it with ("…" ends a message's start).</summary>
    private static readonly (string Case, Func<int, string> Body, HttpStatusCode Status, Func<int, string> Message)[] Cases =
    [
        ("past the limit", limit => $$"""{"pad":"{{new string('x', limit)}}"}""", HttpStatusCode.RequestEntityTooLarge,
            limit => $"body is larger than {limit / 1024} KiB"),
        ("not JSON", _ => """{"a":""", HttpStatusCode.BadRequest, _ => "body is not valid JSON: …"),
        ("a property named twice", _ => """{"site_id":"a","twice":1,"twice":2}""", HttpStatusCode.BadRequest,
            _ => "body is not valid JSON: …'twice'"),
        ("not one object", _ => "[1,2]", HttpStatusCode.BadRequest, _ => "body must be a JSON object"),
        ("empty", _ => "", HttpStatusCode.BadRequest, _ => "body is empty; send a JSON object"),
    ];

    public static TheoryData<string, string> RoutesAndCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var route in Routes)
        foreach (var body in Cases)
        {
            // Reportei reads an empty body as one with no fields (its 422 is checked with its other validation).
            if (body.Case == "empty" && route.Route.Contains("metrics/")) continue;
            data.Add(route.Route, body.Case);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RoutesAndCases))]
    public async Task A_body_is_read_by_one_rule_on_every_route(string route, string @case)
    {
        var (_, caller, limit) = Routes.Single(r => r.Route == route);
        var (_, body, expectedStatus, expectedMessage) = Cases.Single(c => c.Case == @case);
        var (method, path) = route.Split(' ') is [var m, var p] ? (new HttpMethod(m), p) : (HttpMethod.Post, route);
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(body(limit), Encoding.UTF8, "application/json") };
        if (caller == "reportei") request.Headers.Authorization = new("Bearer", ReporteiFixture.Token);
        if (caller == "admin") request.Headers.Add("X-Api-Key", ReporteiFixture.AdminKey);

        var (status, answer) = await fixture.SendAsync(request);

        Assert.Equal(expectedStatus, status);
        var message = answer.GetProperty("message").GetString()!;
        var expected = expectedMessage(limit).Split('…');
        if (expected is [var whole]) Assert.Equal(whole, message);
        else
        {
            Assert.StartsWith(expected[0], message);
            Assert.Contains(expected[1], message);
        }
    }
}
