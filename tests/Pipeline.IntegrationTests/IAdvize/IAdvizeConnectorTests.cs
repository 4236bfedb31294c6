using Pipeline.Functions.Tracking;

namespace Pipeline.IntegrationTests.IAdvize;

/// <summary>The connector's verification url and visitor profile, behind the connector token.</summary>
public sealed class IAdvizeConnectorTests(IAdvizeFixture fixture) : IClassFixture<IAdvizeFixture>
{
    private const string Token = IAdvizeFixture.ConnectorToken;

    private Task<HttpResponseMessage> Verify(string body, string? token = Token) =>
        fixture.Host.Client.PostAsync("api/iadvize/verify" + (token is null ? "" : "?token=" + token),
            new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static string Fields(string apiKey, string? extra = null) =>
        $$"""[{"id":"api_key","value":"{{apiKey}}","fieldType":"TEXT"}{{(extra is null ? "" : "," + extra)}}]""";

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    [InlineData("")]
    public async Task Both_endpoints_need_the_connector_token(string? token)
    {
        var verify = await Verify(Fields(IAdvizeStandIn.GoodKey), token);
        var profile = await fixture.Host.Client.GetAsync("api/iadvize/visitor-profile?emailVisitor=a%40b.com" + (token is null ? "" : "&token=" + token));

        Assert.Equal(HttpStatusCode.Unauthorized, verify.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, profile.StatusCode);
        Assert.Equal("unauthorized", (await Json(verify)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_key_iAdvize_accepts_is_valid()
    {
        var response = await Verify(Fields(IAdvizeStandIn.GoodKey));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"isValid":true,"message":"","fields":[]}""", await response.Content.ReadAsStringAsync());
        Assert.Contains(fixture.IAdvize.Calls(), c => c is { Method: "GET", Path: "/client", ApiKey: IAdvizeStandIn.GoodKey });
    }

    [Fact]
    public async Task A_key_iAdvize_refuses_is_invalid_with_its_message_on_the_field()
    {
        var response = await Verify(Fields("revoked-key"));

        var json = await Json(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(json.GetProperty("isValid").GetBoolean());
        var field = Assert.Single(json.GetProperty("fields").EnumerateArray());
        Assert.Equal("api_key", field.GetProperty("id").GetString());
        Assert.Contains("Forbidden", field.GetProperty("message").GetString());
        Assert.Contains(fixture.IAdvize.Calls(), c => c is { Path: "/client", ApiKey: "revoked-key" });
    }

    [Fact]
    public async Task A_missing_key_and_an_unknown_field_are_named()
    {
        var response = await Verify("""[{"id":"field_login","value":"login","fieldType":"TEXT"}]""");

        var json = await Json(response);
        Assert.False(json.GetProperty("isValid").GetBoolean());
        Assert.Equal(["field_login", "api_key"], json.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("id").GetString()));
        Assert.NotEqual("", json.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("{\"id\":\"api_key\"}")]
    [InlineData("[1,2]")]
    [InlineData("[{\"value\":\"x\"}]")]
    [InlineData("[{\"id\":")]
    public async Task A_body_that_is_not_an_array_of_fields_is_a_400(string body)
    {
        var response = await Verify(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("array", (await Json(response)).GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_property_named_twice_in_a_field_is_a_400_naming_it()
    {
        var response = await Verify(Fields("revoked-key").Replace("\"fieldType\"", $"\"value\":\"{IAdvizeStandIn.GoodKey}\",\"fieldType\""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var answer = await Json(response);
        Assert.Equal("bad_request", answer.GetProperty("error").GetString());
        Assert.Contains("'value'", answer.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_lone_surrogate_escape_in_a_field_is_a_400()
    {
        var response = await Verify("""[{"id":"api_key","value":"\ud800","fieldType":"TEXT"}]""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("surrogate", (await Json(response)).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("key\r\nX-Injected: 1")]
    [InlineData("key with spaces")]
    [InlineData("clé")]
    public async Task A_key_that_is_not_header_text_is_invalid_and_never_sent(string apiKey)
    {
        var response = await Verify(JsonSerializer.Serialize(new[] { new { id = "api_key", value = apiKey, fieldType = "TEXT" } }));

        var json = await Json(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(json.GetProperty("isValid").GetBoolean());
        var field = Assert.Single(json.GetProperty("fields").EnumerateArray());
        Assert.Equal("api_key", field.GetProperty("id").GetString());
        Assert.Contains("printable ASCII", field.GetProperty("message").GetString());
        Assert.DoesNotContain(fixture.IAdvize.Calls(), c => c.ApiKey is { } sent && (sent.StartsWith("key", StringComparison.Ordinal) || sent.StartsWith("cl", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_profile_without_an_identifying_filter_is_a_400()
    {
        var response = await fixture.Host.Client.GetAsync($"api/iadvize/visitor-profile?token={Token}&idWebsite=123&idConnectorVersion=1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("emailVisitor", (await Json(response)).GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_unknown_visitor_has_an_empty_profile()
    {
        var response = await fixture.Host.Client.GetAsync(
            $"api/iadvize/visitor-profile?token={Token}&emailVisitor=nobody%40example.com&idVisitorExternal=nope&idVisitorUnique=none&idWebsite=1&operatorLocale=en");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[]", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_profile_shows_what_tracking_analytics_and_iAdvize_told_the_pipeline()
    {
        var email = $"profile-{Guid.NewGuid():N}@example.com";
        var unique = "u-" + Guid.NewGuid().ToString("N");
        var uid = await fixture.Host.Services.GetRequiredService<TrackingIds>()
            .IssueAsync(IAdvizeFixture.AppKey, TrackingIdKind.Uid, email, null, default);
        fixture.IAdvize.OnCreate(uid, 200, $$"""{"meta":{"status":"success"},"data":{"id":77,"unique_id":"{{unique}}"} }""");

        async Task Form(string path, string body) => Assert.Equal(HttpStatusCode.OK, (await fixture.Host.Client.PostAsync(path,
            new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"))).StatusCode);
        await Form("api/jsapi/init", $"appkey={IAdvizeFixture.AppKey}&email={Uri.EscapeDataString(email)}");
        await Form("api/jsapi/send", $"appkey={IAdvizeFixture.AppKey}&uid={uid}&uType=c&actionType=visit&aditionalData[brands][0]=Zara");
        await Form("api/jsapi/send", $"appkey={IAdvizeFixture.AppKey}&uid={uid}&uType=c&actionType=sale&aditionalData[receipts][0][name]=C%26A&aditionalData[receipts][0][value]=52");
        Assert.Equal(HttpStatusCode.Created, (await fixture.Host.PostJsonAsync("api/v1/lead_analytics",
            $$"""{"customer_id":"c1","lead_id":"{{uid}}","user_id":"u1","recording_id":"r-profile","event_type":"view","event_id":"e1"}""")).StatusCode);
        await Eventually.TrueAsync(async () => (await fixture.Host.Table("IAdvizeVisitors")
            .GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("unique|" + unique, "")).HasValue, "the iAdvize visitor is linked");
        Assert.Equal(HttpStatusCode.OK, (await fixture.PostWebhook(IAdvizeFixture.ConversationClosed(unique, Guid.NewGuid().ToString(), 31))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.PostWebhook(IAdvizeFixture.Satisfaction(unique, Guid.NewGuid().ToString(), 3, 31))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.PostWebhook(IAdvizeFixture.Satisfaction(unique, Guid.NewGuid().ToString(), 4, 32))).StatusCode);

        Dictionary<string, string> english = [];
        await Eventually.TrueAsync(async () =>
        {
            english = await Profile($"emailVisitor={Uri.EscapeDataString(email.ToUpperInvariant())}&idWebsite=1&operatorLocale=en");
            return english.ContainsKey("Average satisfaction") && english["Average satisfaction"].StartsWith("3.5")
                   && english.ContainsKey("Analytics views") && english.GetValueOrDefault("Recent actions")?.Contains("sale") == true;
        }, "the profile shows everything");

        Assert.Equal(uid, english["Visitor id"]);
        Assert.Equal(email, english["Email"]);
        Assert.Equal(unique, english["iAdvize visitor"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$", english["First seen"]);
        Assert.Contains("visit (brands: Zara)", english["Recent actions"]);
        Assert.StartsWith("1 (latest: view, recording r-profile", english["Analytics views"]);
        Assert.Equal("1", english["Conversations"]);
        Assert.Equal("3.5 (2 ratings)", english["Average satisfaction"]);

        var french = await Profile($"idVisitorUnique={unique}&operatorLocale=fr_FR");
        Assert.Equal("3,5 (2 notes)", french["Satisfaction moyenne"]);
        Assert.Equal(email, french["E-mail"]);
        Assert.Equal(english.Count, french.Count);

        var byExternal = await Profile($"idVisitorExternal={uid}");
        Assert.Equal(english, byExternal);
    }

    private async Task<Dictionary<string, string>> Profile(string query)
    {
        var response = await fixture.Host.Client.GetAsync($"api/iadvize/visitor-profile?token={Token}&{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fields = (await Json(response)).EnumerateArray().ToList();
        Assert.All(fields, f => Assert.Contains(f.GetProperty("fieldType").GetString(), new[] { "TEXT", "URL" }));
        Assert.Equal(fields.Count, fields.Select(f => f.GetProperty("id").GetString()).Distinct().Count());
        return fields.ToDictionary(f => f.GetProperty("label").GetString()!, f => f.GetProperty("value").GetString()!);
    }
}
