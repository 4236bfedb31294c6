using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

using static Pipeline.IntegrationTests.TrackingFixture;

namespace Pipeline.IntegrationTests;

/// <summary>
/// Inputs that once made the pipeline fail (a 500, a developer exception page, a wrapped-around number) or lose
/// what a real client sent: each is now a clear 4xx, or accepted and kept as sent.
/// </summary>
public sealed class HostileInputTests(TrackingFixture fixture) : IClassFixture<TrackingFixture>
{
    private const string AppKey = TrackingFixture.AppKey;
    private PipelineHost Host => fixture.Host;

    private Task<HttpResponseMessage> PostForm(string path, string body, HttpMethod? method = null) => fixture.PostForm(path, body, method);

    private Task<string> InitAsync(string path, string body, string key) => fixture.InitAsync(path, body, key);

    private async Task<JsonElement> RecordedData(string subject, string type)
    {
        TableEntity? recorded = null;
        await Eventually.TrueAsync(async () => (recorded = await Host.Table(TableNames.Events)
                .QueryAsync<TableEntity>(e => e.PartitionKey == subject).FirstOrDefaultAsync(e => e.GetString("Type") == type)) is not null,
            $"{type} for {subject} is recorded");
        return JsonDocument.Parse(recorded!.GetString("Data")).RootElement;
    }

    [Theory]
    [InlineData("""{"site_id":"\ud800","cart_recovered":"25"}""")]
    [InlineData("""{"site_id":"s","cart_recovered":"25","\udfff":1}""")]
    [InlineData("""{"site_id":"s","cart_recovered":"25","extra":{"deep":["ok","a\ud83d"]}}""")]
    public async Task A_lone_surrogate_escape_in_a_push_is_a_400(string body)
    {
        var response = await Host.PostJsonAsync("api/push/cart_recovered", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("surrogate", (await Json(response)).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("api/v1/analytics_events")]
    [InlineData("api/v1/lead_analytics")]
    [InlineData("api/jsapi/init")]
    public async Task A_lone_surrogate_escape_on_other_json_endpoints_is_a_400(string path)
    {
        var response = await Host.PostJsonAsync(path,
            $$"""{"appkey":"{{AppKey}}","customer_id":"c","lead_id":"l\udc00","user_id":"u","recording_id":"r","event_type":"t","event_id":"e","email":"a@b.co\ud800"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_surrogate_pair_escape_is_text_like_any_other()
    {
        var site = PipelineFixture.NewSiteId() + "\ud83d\ude00";
        var response = await Host.PostJsonAsync("api/push/cart_recovered", $$"""{"site_id":"{{site[..^2]}}\ud83d\ude00","cart_recovered":"25"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.TrueAsync(() => fixture.Intercom.CompanyCalls(site).Count == 1, "the company with an emoji id is updated");
    }

    [Theory]
    [InlineData("99999999999:00:00")]
    [InlineData("1000000:00:00")]
    [InlineData("600000h")]
    public async Task A_duration_longer_than_68_years_is_a_400_naming_the_field(string duration)
    {
        var response = await Host.PostJsonAsync("api/push/signup_ended", SignupEnded(PipelineFixture.NewSiteId(), duration));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most", (await Json(response)).GetProperty("message").GetProperty("time_spent_on_registration").GetString());
    }

    [Theory]
    [InlineData(300)]
    [InlineData(400)]
    public async Task A_duration_of_hundreds_of_digits_is_a_400(int digits)
    {
        var response = await Host.PostJsonAsync("api/push/signup_ended", SignupEnded(PipelineFixture.NewSiteId(), new string('9', digits) + "s"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await Json(response)).GetProperty("message").TryGetProperty("time_spent_on_registration", out _));
    }

    [Fact]
    public async Task An_error_quoting_text_never_cuts_a_surrogate_pair_in_half()
    {
        // The message quotes the first 40 characters: the 40th is the first half of an emoji.
        var duration = "x" + string.Concat(Enumerable.Repeat("😀", 30));

        var response = await Host.PostJsonAsync("api/push/signup_ended", SignupEnded(PipelineFixture.NewSiteId(), duration));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.EndsWith("😀…'", (await Json(response)).GetProperty("message").GetProperty("time_spent_on_registration").GetString());
    }

    [Fact]
    public async Task The_longest_duration_accepted_reaches_Intercom_exactly()
    {
        var site = PipelineFixture.NewSiteId();
        // 2^31-1 seconds: 596523 h 14 min 7 s; one hour more used to wrap around to a negative number.
        var response = await Host.PostJsonAsync("api/push/signup_ended", SignupEnded(site, "596523:14:07"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.TrueAsync(() => fixture.Intercom.CompanyCalls(site).Count == 1, "the company is updated");
        Assert.Equal(2147483647d, fixture.Intercom.CompanyCalls(site)[0].GetProperty("custom_attributes")
            .GetProperty("time_spent_on_registration").GetDouble());
    }

    private static string SignupEnded(string site, string duration) =>
        $$"""{"site_id":"{{site}}","name":"John Doe","platform":"WooCommerce","sender_email":"{{site}}@doe.com","time_spent_on_registration":"{{duration}}","signup_ended":"2016-02-18T13:22:45Z"}""";

    [Fact]
    public async Task A_sensor_number_with_a_non_breaking_space_is_read_as_the_number()
    {
        var mid = await InitAsync("api/mobileapi/init", $"appkey={AppKey}", "mobileId");

        var response = await PostForm("api/mobileapi/sensors",
            $"appkey={AppKey}&mid={mid}&sensors[0][uuid]=u1&sensors[0][rssi]=-60%C2%A0&sensors[0][distance]=%C2%A04.5");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sensor = (await RecordedData("visitor:" + mid, "tracking.mobile.sensors")).GetProperty("sensors")[0];
        Assert.Equal(-60, sensor.GetProperty("rssi").GetDouble());
        Assert.Equal(4.5, sensor.GetProperty("distance").GetDouble());
    }

    [Fact]
    public async Task A_qs_encoded_send_keeps_repeated_keys_dotted_keys_and_a_fractional_rating()
    {
        var uid = await InitAsync("api/jsapi/init", $"appkey={AppKey}&email=qs%40example.com", "uid");

        var response = await PostForm("api/jsapi/send", $"appkey={AppKey}&uid={uid}&uType=c&actionType=feedback&requestType=action" +
                                                        "&aditionalData%5Bbrands%5D=Zara&aditionalData%5Bbrands%5D=Adidas" +
                                                        "&aditionalData.rating=7.5&aditionalData.comment=fine&aditionalData%5Bcomment%5D%5Bx%5D=kept");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = await RecordedData("visitor:" + uid, "tracking.web.send");
        var additional = data.GetProperty("aditionalData");
        Assert.Equal(["Zara", "Adidas"], additional.GetProperty("brands").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal(7.5, additional.GetProperty("rating").GetDouble());
        Assert.Equal("fine", additional.GetProperty("comment").GetString());
        // aditionalData[comment][x] cannot sit under a comment that is text: its rest is kept verbatim, not dropped.
        Assert.Equal("kept", additional.GetProperty("comment[x]").GetString());
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("10.5")]
    [InlineData("seven")]
    public async Task A_rating_outside_1_to_10_is_a_422(string rating)
    {
        var uid = await InitAsync("api/jsapi/init", $"appkey={AppKey}&email=rating%40example.com", "uid");

        var response = await PostForm("api/jsapi/send", $"appkey={AppKey}&uid={uid}&uType=c&actionType=feedback&aditionalData[rating]={rating}");

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
    }

    [Theory]
    [InlineData("api/jsapi/init", "email", "uid")]
    [InlineData("api/mobileapi/init", "userEmail", "mobileId")]
    public async Task An_email_encoded_twice_is_decoded_once_more_and_identifies_the_same_person(string path, string field, string idKey)
    {
        // The seed's Node samples write 'test.email%40test.com', which a form encoder sends as test.email%2540test.com.
        var twice = await InitAsync(path, $"appkey={AppKey}&{field}=twice.email%2540test.com", idKey);
        var once = await InitAsync(path, $"appkey={AppKey}&{field}=twice.email%40test.com", idKey);

        Assert.Equal(once, twice);
        var session = await RecordedData("visitor:" + twice, path.StartsWith("api/jsapi") ? "tracking.web.init" : "tracking.mobile.init");
        Assert.Equal("twice.email@test.com", session.GetProperty("email").GetString());
    }

    [Theory]
    [InlineData("api/jsapi/init", "email")]
    [InlineData("api/mobileapi/init", "userEmail")]
    public async Task An_email_without_an_at_sign_is_a_422_not_an_identified_person(string path, string field)
    {
        var response = await PostForm(path, $"appkey={AppKey}&{field}=not-an-email.example.com");

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.True((await Json(response)).GetProperty("errors").TryGetProperty(field, out _));
    }

    /// <summary>Sends a chunked request whose chunk size does not fit any integer, on a raw socket.</summary>
    private static async Task<string> SendOverflowingChunkAsync(int port, string path)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        var request = $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                      "FFFFFFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = new StringBuilder();
        var buffer = new char[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read;
        while ((read = await reader.ReadAsync(buffer, timeout.Token)) > 0)
        {
            answer.Append(buffer, 0, read);
            var text = answer.ToString();
            if (text.Contains("\r\n\r\n") && (text.TrimEnd().EndsWith('}') || text.EndsWith("\r\n0\r\n\r\n"))) break;
        }
        return answer.ToString();
    }

    [Theory]
    [InlineData(false, "/api/push/cart_recovered")]
    [InlineData(true, "/PushSegment")]
    public async Task A_chunk_size_that_overflows_is_a_400_without_an_exception_page_even_in_Development(bool customHandler, string path)
    {
        // Its own storage: a second local host on the fixture's queues would take the fixture's messages.
        await using var azurite = await Azurite.StartAsync();
        var port = FreePorts.Next();
        var settings = PipelineHost.DefaultSettings(azurite.ConnectionString, null);
        settings[customHandler ? FunctionsHost.CustomHandlerPortSetting : "PORT"] = port.ToString();
        await using var app = PipelineApp.Build(["--environment", Environments.Development],
            builder => builder.Configuration.AddInMemoryCollection(settings));
        await app.StartAsync();
        try
        {
            Assert.True(app.Environment.IsDevelopment());
            var answer = await SendOverflowingChunkAsync(port, path);

            Assert.True(answer.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), answer);
            Assert.Contains("application/json", answer);
            Assert.DoesNotContain("Exception", answer);
            Assert.DoesNotContain("<html", answer, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
