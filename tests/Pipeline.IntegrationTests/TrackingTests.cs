using Pipeline.Functions.Tracking;

using static Pipeline.IntegrationTests.TrackingFixture;

namespace Pipeline.IntegrationTests;

public sealed class TrackingFixture : PipelineFixture
{
    public const string AppKey = "571e64183647a855d0sgf3a3";
    public const string OtherAppKey = "second-app-key";

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Tracking:AppKeys:0"] = AppKey;
        settings["Tracking:AppKeys:1"] = OtherAppKey;
    }

    public Task<HttpResponseMessage> PostForm(string path, string body, HttpMethod? method = null) =>
        Host.Client.SendAsync(new HttpRequestMessage(method ?? HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        });

    public static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>An init that must succeed: its <c>status</c> is <c>ok</c>; the id under <paramref name="key"/>.</summary>
    public async Task<string> InitAsync(string path, string body, string key)
    {
        var response = await PostForm(path, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await Json(response);
        Assert.Equal("ok", json.GetProperty("status").GetString());
        return json.GetProperty(key).GetString()!;
    }
}

/// <summary>
/// The Footprints web and mobile tracking endpoints through the local host, with the seed's sample bodies
/// (bracket-form) and the appkey and id rules.
/// </summary>
public sealed class TrackingTests(TrackingFixture fixture) : IClassFixture<TrackingFixture>
{
    private const string AppKey = TrackingFixture.AppKey;
    private PipelineHost Host => fixture.Host;

    private Task<HttpResponseMessage> PostForm(string path, string body, HttpMethod? method = null) => fixture.PostForm(path, body, method);

    private Task<string> InitAsync(string path, string body, string key) => fixture.InitAsync(path, body, key);

    private async Task<List<TableEntity>> EventsOf(string visitorId) =>
        await Host.Table(TableNames.Events).QueryAsync<TableEntity>(e => e.PartitionKey == "visitor:" + visitorId).ToListAsync();

    private async Task<JsonElement> RecordedData(string visitorId, string type)
    {
        TableEntity? recorded = null;
        await Eventually.TrueAsync(async () => (recorded = (await EventsOf(visitorId)).FirstOrDefault(e => e.GetString("Type") == type)) is not null,
            $"{type} is recorded");
        return JsonDocument.Parse(recorded!.GetString("Data")).RootElement;
    }

    [Fact]
    public async Task The_seed_web_samples_work_init_then_send()
    {
        var uid = await InitAsync("api/jsapi/init", $"appkey={AppKey}&email=test.email%40test.com", "uid");
        Assert.Matches("^[0-9a-f]{64}$", uid);

        var response = await PostForm("api/jsapi/send",
            $"appkey={AppKey}&uid={uid}&uType=c&actionType=visit&requestType=action" +
            "&aditionalData[brands][0]=Zara&aditionalData[brands][1]=Adidas&aditionalData[tenants][0]=H%26M&aditionalData[tenants][1]=C%26A");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
        var data = await RecordedData(uid, "tracking.web.send");
        Assert.Equal("visit", data.GetProperty("actionType").GetString());
        Assert.Equal(["H&M", "C&A"], data.GetProperty("aditionalData").GetProperty("tenants").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task The_seed_mobile_samples_work_init_send_sensors_in_both_forms_and_geo()
    {
        var mid = await InitAsync("api/mobileapi/init", $"appkey={AppKey}&userEmail=test.email%40test.com&pushNotificationToken=123456", "mobileId");

        var send = await PostForm("api/mobileapi/send", $"appkey={AppKey}&mid={mid}&actionType=visit&requestType=action" +
                                                        "&aditionalData[brands][0]=Zara&aditionalData[brands][1]=Adidas&aditionalData[tenants][0]=H%26M&aditionalData[tenants][1]=C%26A");
        Assert.Equal("{}", await send.Content.ReadAsStringAsync());

        var curlSensors = await PostForm("api/mobileapi/sensors",
            $"appkey={AppKey}&mid={mid}&sensors[0][uuid]=2376-34342-1233-23424&sensors[0][rssi]=5&sensors[0][distance]=4" +
            "&sensors[0][macAddress]=345987345345-23482746-345934587&sensors[0][txPower]=2&sensors[0][name]=mimi&sensors[0][minor]=3.2&sensors[0][major]=4.1" +
            "&sensors[1][uuid]=2376-34342-1233-23422&sensors[1][rssi]=5&sensors[1][distance]=44&sensors[1][txPower]=6&sensors[1][name]=cici&sensors[1][minor]=1.1&sensors[1][major]=2.2",
            HttpMethod.Put);
        Assert.Equal("""{"success":true}""", await curlSensors.Content.ReadAsStringAsync());
        var nodeSensors = await PostForm("api/mobileapi/sensors",
            $"appkey={AppKey}&mid={mid}&sensors[uuid][0]=4457-7784-5577-6655&sensors[rssi][0]=5461567&sensors[distance][0]=22" +
            "&sensors[txPower][0]=568&sensors[name][0]=Sensor1&sensors[minor][0]=10.2&sensors[major][0]=22.3&sensors[macAddress][0]=00-14-22-01-23-45");
        Assert.Equal("""{"success":true}""", await nodeSensors.Content.ReadAsStringAsync());

        var geo = await PostForm("api/mobileapi/geo", $"appkey={AppKey}&mid={mid}&lat=44.432149&lon=26.088868&accuracy=3", HttpMethod.Put);
        Assert.Equal("""{"success":true}""", await geo.Content.ReadAsStringAsync());

        await Eventually.TrueAsync(async () => (await EventsOf(mid)).Count(e => e.GetString("Type") == "tracking.mobile.sensors") == 2,
            "both sensor readings are recorded");
        var sensorEvents = (await EventsOf(mid)).Where(e => e.GetString("Type") == "tracking.mobile.sensors")
            .Select(e => JsonDocument.Parse(e.GetString("Data")).RootElement.GetProperty("sensors")).ToList();
        Assert.Contains(sensorEvents, s => s.GetArrayLength() == 2 && s[1].GetProperty("distance").GetDouble() == 44);
        Assert.Contains(sensorEvents, s => s.GetArrayLength() == 1 && s[0].GetProperty("uuid").GetString() == "4457-7784-5577-6655"
                                           && s[0].GetProperty("minor").GetDouble() == 10.2);
        var fix = await RecordedData(mid, "tracking.mobile.geo");
        Assert.Equal(44.432149, fix.GetProperty("lat").GetDouble());
    }

    [Fact]
    public async Task Ids_are_stable_per_app_and_person_unguessable_and_do_not_reveal_the_email()
    {
        var first = await InitAsync("api/jsapi/init", $"appkey={AppKey}&email=Jane%40Example.com", "uid");
        var again = await InitAsync("api/jsapi/init", $"appkey={AppKey}&email=jane%40example.com", "uid");
        var otherApp = await InitAsync("api/jsapi/init", $"appkey={TrackingFixture.OtherAppKey}&email=jane%40example.com", "uid");
        var byPhone = await InitAsync("api/jsapi/init", $"appkey={AppKey}&phone=%2B40 722 000 111", "uid");
        var anonymous1 = await InitAsync("api/jsapi/init", $"appkey={AppKey}", "pid");
        var anonymous2 = await InitAsync("api/jsapi/init", $"appkey={AppKey}&technicalInfo[screenSize]=1920x1080", "pid");
        var mobile = await InitAsync("api/mobileapi/init", $"appkey={AppKey}&userEmail=jane%40example.com", "mobileId");

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherApp);
        Assert.NotEqual(first, mobile);
        Assert.NotEqual(anonymous1, anonymous2);
        Assert.All(new[] { first, otherApp, byPhone, anonymous1, mobile }, id => Assert.Matches("^[0-9a-f]{64}$", id));
        Assert.DoesNotContain("jane", first);
        var hashOfEmail = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("jane@example.com")));
        Assert.NotEqual(hashOfEmail, first);
    }

    [Theory]
    [InlineData("api/jsapi/init", "email=a%40b.com")]
    [InlineData("api/jsapi/init", "appkey=not-configured&email=a%40b.com")]
    [InlineData("api/mobileapi/init", "appkey=&userEmail=a%40b.com")]
    [InlineData("api/jsapi/send", "appkey=wrong&uid=x&actionType=visit")]
    [InlineData("api/mobileapi/geo", "appkey=wrong&mid=x&lat=1&lon=2")]
    public async Task A_missing_or_unknown_appkey_is_a_401_and_nothing_is_recorded(string path, string body)
    {
        var before = await Host.Table(TableNames.Events).QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo("visitor:") > 0).CountAsync();

        var response = await PostForm(path, body);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("appkey", (await Json(response)).GetProperty("errors").EnumerateObject().Single().Name);
        // A valid call after the refused one: once it is recorded, anything the refused one sent would be too.
        var marker = await InitAsync("api/jsapi/init", $"appkey={AppKey}", "pid");
        await RecordedData(marker, TrackingEvents.WebInit);
        Assert.Equal(before + 1, await Host.Table(TableNames.Events).QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo("visitor:") > 0).CountAsync());
    }

    [Fact]
    public async Task A_send_for_an_id_never_issued_is_a_404()
    {
        var uid = await InitAsync("api/jsapi/init", $"appkey={AppKey}&email=x%40y.com", "uid");

        var forged = await PostForm("api/jsapi/send", $"appkey={AppKey}&uid=a5c2dd6ebhsgtdr4ca6142a42910a972fecc71aa32ea88a0c681f77395bc218667&uType=c&actionType=visit");
        var otherApp = await PostForm("api/jsapi/send", $"appkey={TrackingFixture.OtherAppKey}&uid={uid}&uType=c&actionType=visit");
        var mobile = await PostForm("api/mobileapi/send", $"appkey={AppKey}&mid={uid}&actionType=visit");

        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherApp.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, mobile.StatusCode);
        Assert.Equal("uid", (await Json(forged)).GetProperty("errors").EnumerateObject().Single().Name);
    }

    [Theory]
    [InlineData("actionType=dance", "actionType")]
    [InlineData("", "actionType")]
    [InlineData("actionType=visit&requestType=other", "requestType")]
    [InlineData("actionType=visit&uType=p", "uType")]
    [InlineData("actionType=feedback&aditionalData[rating]=11", "aditionalData[rating]")]
    [InlineData("actionType=profiling&aditionalData[percentCompleted]=120", "aditionalData[percentCompleted]")]
    [InlineData("actionType=contact&aditionalData[appointmentDate]=tomorrow", "aditionalData[appointmentDate]")]
    [InlineData("actionType=contact&aditionalData[senderType]=robot", "aditionalData[senderType]")]
    [InlineData("actionType=sale&aditionalData[receipts][0][name]=C%26A&aditionalData[receipts][0][value]=lots", "aditionalData[receipts][0]")]
    // Counted as a sale, but no day's sum of sales could hold the value: before, a 200 whose value the metrics dropped.
    [InlineData("actionType=sale&aditionalData[receipts][0][name]=a&aditionalData[receipts][0][value]=1e29", "aditionalData[receipts][0]")]
    [InlineData("actionType=sale&aditionalData[receipts][0][name]=a&aditionalData[receipts][0][value]=-2e15", "aditionalData[receipts][0]")]
    public async Task Invalid_sends_are_a_422_naming_the_field(string fields, string badField)
    {
        var uid = await InitAsync("api/jsapi/init", $"appkey={AppKey}&email=v%40w.com", "uid");

        var response = await PostForm("api/jsapi/send", $"appkey={AppKey}&uid={uid}&{fields}");

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(badField, out _));
    }

    [Theory]
    [InlineData("api/jsapi/send", "requestType", "{}")]
    [InlineData("api/jsapi/send", "uType", "[]")]
    [InlineData("api/jsapi/send", "requestType", "true")]
    public async Task A_json_send_with_an_object_or_list_where_text_belongs_is_a_422(string path, string field, string value)
    {
        var pid = await InitAsync("api/jsapi/init", $"appkey={AppKey}", "pid");

        var response = await Host.PostJsonAsync(path,
            $$"""{"appkey":"{{AppKey}}","uid":"{{pid}}","actionType":"visit","{{field}}":{{value}}}""");

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(field, out _));
    }

    /// <summary>
    /// The visitor's row keeps the email and the phone, and a table property holds 32K characters: before, a 40,000
    /// character email was answered 200 and its session start was dead-lettered by the visitor index.
    /// </summary>
    [Theory]
    [InlineData("api/jsapi/init", "email", 255, "@b.com")]
    [InlineData("api/mobileapi/init", "userEmail", 40_000, "@b.com")]
    [InlineData("api/jsapi/init", "phone", 65, "")]
    [InlineData("api/mobileapi/init", "userPhone", 40_000, "")]
    public async Task An_init_with_an_email_or_phone_no_visitor_row_could_keep_is_a_422_and_nothing_is_recorded(string path,
        string field, int length, string suffix)
    {
        var before = await Host.Table(TableNames.Events).QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo("visitor:") > 0).CountAsync();
        var value = new string('1', length - suffix.Length) + suffix;

        var response = await Host.PostJsonAsync(path, $$"""{"appkey":"{{AppKey}}","{{field}}":"{{value}}"}""");

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.Contains("at most", (await Json(response)).GetProperty("errors").GetProperty(field).GetString());
        var marker = await InitAsync("api/jsapi/init", $"appkey={AppKey}", "pid");
        await RecordedData(marker, TrackingEvents.WebInit);
        Assert.Equal(before + 1, await Host.Table(TableNames.Events).QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo("visitor:") > 0).CountAsync());
    }

    [Theory]
    [InlineData("true")]
    [InlineData("{}")]
    [InlineData("[]")]
    public async Task A_json_email_that_is_not_text_is_a_422_not_an_anonymous_visitor(string value)
    {
        var response = await Host.PostJsonAsync("api/jsapi/init", $$"""{"appkey":"{{AppKey}}","email":{{value}}}""");

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task An_email_and_a_phone_at_their_limits_are_accepted_and_identify_the_visitor()
    {
        var email = new string('e', 248) + "@b.com";
        var phone = "+" + new string('4', 63);

        var response = await Host.PostJsonAsync("api/jsapi/init", $$"""{"appkey":"{{AppKey}}","email":"{{email}}","phone":"{{phone}}"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var uid = (await Json(response)).GetProperty("uid").GetString()!;
        var data = await RecordedData(uid, TrackingEvents.WebInit);
        Assert.Equal(email, data.GetProperty("email").GetString());
        Assert.Equal(phone, data.GetProperty("phone").GetString());
    }

    [Fact]
    public async Task Typed_additional_data_and_json_bodies_are_accepted()
    {
        var pid = await InitAsync("api/jsapi/init", $"appkey={AppKey}", "pid");

        var response = await Host.PostJsonAsync("api/jsapi/send", $$$"""
            {"appkey":"{{{AppKey}}}","uid":"{{{pid}}}","uType":"p","actionType":"sale","requestType":"action",
             "aditionalData":{"receipts":[{"name":"C&A","value":"52"},{"name":"Adidas","value":322}],"rating":"7"}}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = await RecordedData(pid, "tracking.web.send");
        var receipts = data.GetProperty("aditionalData").GetProperty("receipts");
        Assert.Equal(52, receipts[0].GetProperty("value").GetDouble());
        Assert.Equal(7, data.GetProperty("aditionalData").GetProperty("rating").GetInt32());
        Assert.Equal("p", data.GetProperty("uType").GetString());
    }

    [Fact]
    public async Task Identified_people_go_to_iAdvize_and_anonymous_ones_do_not()
    {
        var uid = await InitAsync("api/jsapi/init", $"appkey={AppKey}&email=queued%40example.com", "uid");
        var pid = await InitAsync("api/jsapi/init", $"appkey={AppKey}", "pid");
        var mid = await InitAsync("api/mobileapi/init", $"appkey={AppKey}&userPhone=0722000999", "mobileId");

        // This fixture has no IAdvize__ApiKey: the iadvize forwarder records each identified person as skipped.
        async Task<TableEntity?> IAdvizeDelivery(string id) =>
            (await EventsOf(id)).FirstOrDefault() is { } init ? await fixture.DeliveryOf(Guid.Parse(init.RowKey), "iadvize") : null;
        await Eventually.TrueAsync(async () => await IAdvizeDelivery(uid) is not null && await IAdvizeDelivery(mid) is not null,
            "identified visitors reach the iadvize forwarder");
        Assert.Equal("IAdvize__ApiKey is not set", (await IAdvizeDelivery(uid))!.GetString("Error"));
        Assert.Equal("0722000999", JsonDocument.Parse((await EventsOf(mid)).Single().GetString("Data")).RootElement.GetProperty("phone").GetString());
        await Eventually.TrueAsync(async () => (await EventsOf(pid)).Count > 0, "the anonymous init is recorded");
        Assert.Null(await IAdvizeDelivery(pid));
    }

    [Theory]
    [InlineData("lat=91&lon=2", "lat")]
    [InlineData("lat=1&lon=-181", "lon")]
    [InlineData("lon=2", "lat")]
    [InlineData("lat=1&lon=2&accuracy=-1", "accuracy")]
    public async Task Invalid_geolocation_is_a_422(string fields, string badField)
    {
        var mid = await InitAsync("api/mobileapi/init", $"appkey={AppKey}", "mobileId");

        var response = await PostForm("api/mobileapi/geo", $"appkey={AppKey}&mid={mid}&{fields}", HttpMethod.Put);

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(badField, out _));
    }

    [Theory]
    [InlineData("", "sensors")]
    [InlineData("&sensors[0][rssi]=5", "sensors[0][uuid]")]
    [InlineData("&sensors[0][uuid]=u&sensors[0][rssi]=loud", "sensors[0][rssi]")]
    public async Task Invalid_sensor_readings_are_a_422(string fields, string badField)
    {
        var mid = await InitAsync("api/mobileapi/init", $"appkey={AppKey}", "mobileId");

        var response = await PostForm("api/mobileapi/sensors", $"appkey={AppKey}&mid={mid}{fields}");

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(badField, out _));
    }

    [Theory]
    [InlineData("GET", "api/mobileapi/sensors")]
    [InlineData("DELETE", "api/mobileapi/geo")]
    [InlineData("PUT", "api/jsapi/init")]
    public async Task Other_methods_are_a_405(string method, string path)
    {
        var response = await Host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task A_property_named_twice_is_a_400_naming_it()
    {
        var response = await Host.PostJsonAsync("api/jsapi/init", $$"""{"appkey":"not-an-app","appkey":"{{TrackingFixture.AppKey}}"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'appkey'", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_malformed_body_is_a_400()
    {
        var response = await Host.PostJsonAsync("api/jsapi/init", "{\"appkey\":");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
