namespace Pipeline.IntegrationTests.Reportei;

/// <summary>
/// Every API reads a JSON body by one rule before it looks at its fields: past the route's limit a 413, not JSON or
/// not one object a 400, each told in a sentence, in the API's own error shape (every answer here is also checked
/// against the API document). Reportei's bodies are all fields, so an empty one there lists what is missing instead.
/// </summary>
public sealed class RequestBodyRuleTests(ReporteiFixture fixture) : IClassFixture<ReporteiFixture>
{
    public static TheoryData<string, string, int> Routes => new()
    {
        // route (method POST unless named), who may call it, its limit in bytes
        { "api/push/cart_recovered", "anyone", 64 * 1024 },
        { "api/v1/analytics_events", "anyone", 64 * 1024 },
        { "api/metrics/get-data", "reportei", 64 * 1024 },
        { "PUT api/metrics/integrations/6f1c4a52-3f0e-4d4b-9f39-8d0f0e4e2a11", "admin", 16 * 1024 },
        { "api/ops/replay", "admin", 16 * 1024 },
        { "api/ops/dead-letters/requeue", "admin", 64 * 1024 },
    };

    private async Task<(HttpStatusCode Status, string Message)> SendAsync(string route, string caller, string body)
    {
        var (method, path) = route.Split(' ') is [var m, var p] ? (new HttpMethod(m), p) : (HttpMethod.Post, route);
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (caller == "reportei") request.Headers.Authorization = new("Bearer", ReporteiFixture.Token);
        if (caller == "admin") request.Headers.Add("X-Api-Key", ReporteiFixture.AdminKey);
        var (status, answer) = await fixture.SendAsync(request);
        return (status, answer.GetProperty("message").GetString()!);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_body_past_the_routes_limit_is_a_413_naming_the_limit(string route, string caller, int limit)
    {
        var (status, message) = await SendAsync(route, caller, $$"""{"pad":"{{new string('x', limit)}}"}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal($"body is larger than {limit / 1024} KiB", message);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_body_that_is_not_json_is_a_400_quoting_the_parser(string route, string caller, int limit)
    {
        _ = limit;
        var (status, message) = await SendAsync(route, caller, """{"a":""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("body is not valid JSON: ", message);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_body_that_is_not_one_object_is_a_400(string route, string caller, int limit)
    {
        _ = limit;
        var (status, message) = await SendAsync(route, caller, "[1,2]");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("body must be a JSON object", message);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_property_named_twice_is_a_400_naming_it(string route, string caller, int limit)
    {
        _ = limit;
        var (status, message) = await SendAsync(route, caller, """{"site_id":"a","twice":1,"twice":2}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("body is not valid JSON: ", message);
        Assert.Contains("'twice'", message);
    }

    [Theory]
    [InlineData("api/push/cart_recovered", "anyone")]
    [InlineData("api/v1/analytics_events", "anyone")]
    [InlineData("api/ops/replay", "admin")]
    [InlineData("api/ops/dead-letters/requeue", "admin")]
    public async Task An_empty_body_is_a_400_asking_for_an_object(string route, string caller)
    {
        var (status, message) = await SendAsync(route, caller, "");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("body is empty; send a JSON object", message);
    }
}
