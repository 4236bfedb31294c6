namespace Pipeline.IntegrationTests;

public sealed class FunctionKeyFixture : PipelineFixture
{
    public const string Key = "local-function-key-0123";

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["LocalHost:FunctionKey"] = Key;
        settings["Tracking:AppKeys:0"] = TrackingFixture.AppKey;
    }
}

/// <summary>
/// With <c>LocalHost__FunctionKey</c> set, the local host checks function keys on the routes declared
/// <c>authLevel: function</c>, as the Functions host does in Azure; anonymous routes stay open.
/// </summary>
public sealed class FunctionKeyTests(FunctionKeyFixture fixture) : IClassFixture<FunctionKeyFixture>
{
    private PipelineHost Host => fixture.Host;

    private static string Push(string site) => $$"""{"site_id":"{{site}}","cart_recovered":"25"}""";

    private const string Lead =
        """{"customer_id":"key-c","lead_id":"key-l","user_id":"key-u","recording_id":"key-r","event_type":"view","event_id":"key-e"}""";

    public static TheoryData<string, string, string?> ProtectedRoutes() => new()
    {
        { "POST", "api/push/cart_recovered", Push("unauthorised-site") },
        { "GET", "api/all", null },
        { "GET", "api/all?force=true", null },
        { "POST", "api/v1/analytics_events", Lead },
        { "POST", "api/v1/lead_analytics", Lead },
        { "POST", "api/v1/contact_analytics", Lead },
        { "GET", "api/v1/lead_analytics/search?recording_id=key-r&customer_id=key-c&user_id=key-u&lead_id=key-l", null },
        { "GET", "api/v1/contact_analytics/search?recording_id=key-r&customer_id=key-c&user_id=key-u&contact_id=key-l", null },
    };

    private Task<HttpResponseMessage> SendAsync(string method, string path, string? body, string? headerKey = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (headerKey is not null) request.Headers.Add("x-functions-key", headerKey);
        return Host.Client.SendAsync(request);
    }

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task A_missing_or_wrong_key_is_a_401(string method, string path, string? body)
    {
        var separator = path.Contains('?') ? "&" : "?";
        var answers = new[]
        {
            await SendAsync(method, path, body),
            await SendAsync(method, path, body, headerKey: "wrong"),
            await SendAsync(method, path, body, headerKey: FunctionKeyFixture.Key + "x"),
            await SendAsync(method, path + separator + "code=wrong", body),
            await SendAsync(method, path + separator + "code=", body),
        };

        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
            Assert.Contains("x-functions-key", json.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Nothing_is_accepted_without_the_key()
    {
        var site = PipelineFixture.NewSiteId();

        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.PostJsonAsync("api/push/cart_recovered", Push(site))).StatusCode);
        // The same push with the key is recorded; the refused one never was.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("POST", "api/push/cart_recovered", Push(site), FunctionKeyFixture.Key)).StatusCode);
        await Eventually.TrueAsync(async () => (await fixture.EventsOf(site)).Count >= 1, "the keyed push is recorded");
        await Eventually.TrueAsync(() => fixture.Intercom.CompanyCalls(site).Count == 1, "the keyed push is forwarded");
        Assert.Single(await fixture.EventsOf(site));
    }

    [Fact]
    public async Task The_right_key_works_in_the_header_and_as_code()
    {
        var site = PipelineFixture.NewSiteId();

        var byHeader = await SendAsync("POST", "api/push/cart_recovered", Push(site), FunctionKeyFixture.Key);
        var byCode = await SendAsync("POST", $"api/v1/lead_analytics?code={FunctionKeyFixture.Key}", Lead);
        var sweep = await SendAsync("GET", $"api/all?code={FunctionKeyFixture.Key}", null);

        Assert.Equal(HttpStatusCode.OK, byHeader.StatusCode);
        Assert.Equal(HttpStatusCode.Created, byCode.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sweep.StatusCode);
        await Eventually.TrueAsync(async () =>
        {
            var search = await SendAsync("GET",
                $"api/v1/lead_analytics/search?recording_id=key-r&customer_id=key-c&user_id=key-u&lead_id=key-l&code={FunctionKeyFixture.Key}", null);
            return search.StatusCode == HttpStatusCode.OK
                   && JsonDocument.Parse(await search.Content.ReadAsStringAsync()).RootElement.GetProperty("meta").GetProperty("rowCount").GetInt32() >= 1;
        }, "the keyed analytics event is found by a keyed search");
    }

    [Fact]
    public async Task Anonymous_routes_need_no_key()
    {
        var health = await Host.Client.GetAsync("api/health");
        var init = await Host.Client.PostAsync("api/jsapi/init",
            new StringContent($"appkey={TrackingFixture.AppKey}", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, init.StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_key_the_local_host_checks_none()
    {
        // Every other fixture runs without LocalHost__FunctionKey; one push through one proves the default.
        await using var azurite = await Azurite.StartAsync();
        await using var host = await PipelineHost.StartLocalAsync(PipelineHost.DefaultSettings(azurite.ConnectionString, null));

        var response = await host.PostJsonAsync("api/push/cart_recovered", Push(PipelineFixture.NewSiteId()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
