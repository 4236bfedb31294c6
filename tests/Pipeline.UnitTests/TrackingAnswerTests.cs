using Pipeline.Functions.Tracking;

namespace Pipeline.UnitTests;

/// <summary>The tracking error shape, byte for byte: the seed documents none, so clients rely on ours (README).</summary>
public sealed class TrackingAnswerTests
{
    private readonly TestFunctionContext _context = new("TrackingWebInit");
    private readonly TrackingOptions _options = new() { AppKeys = ["app-1"] };

    private (JsonElement Body, Microsoft.Azure.Functions.Worker.Http.HttpResponseData? Error) Read(string form) =>
        TrackingRequest.Read(new TestHttpRequestData(_context, "POST", "https://app.example/api/jsapi/init", Encoding.UTF8.GetBytes(form),
            [new("Content-Type", "application/x-www-form-urlencoded")]), _options);

    [Fact]
    public void An_unknown_appkey_is_a_401_naming_the_field()
    {
        var (_, error) = Read("appkey=nope");

        Assert.Equal(HttpStatusCode.Unauthorized, error!.StatusCode);
        Assert.Equal("""{"status":"error","message":"appkey is missing or unknown","errors":{"appkey":"is not the key of a configured app"}}""",
            TestHttpResponseData.BodyOf(error));
    }

    [Fact]
    public void An_error_without_fields_at_fault_has_no_errors_property()
    {
        var (_, error) = Read("appkey=app-1&x=" + new string('a', TrackingRequest.MaxBodyBytes));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, error!.StatusCode);
        Assert.Equal("""{"status":"error","message":"body is larger than 64 KiB"}""", TestHttpResponseData.BodyOf(error));
    }

    [Fact]
    public void Field_names_keep_their_text_as_utf8_and_only_json_escapes()
    {
        var request = TestHttpRequestData.PostJson(_context, "https://app.example/api/jsapi/init", "{}");

        var error = TrackingRequest.Invalid(request, FieldProblems.Of("prénom\"", "is <required>"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.StatusCode);
        Assert.Equal("""{"status":"error","message":"the request has invalid fields","errors":{"prénom\"":"is <required>"}}""",
            TestHttpResponseData.BodyOf(error));
        Assert.Equal("application/json", error.Headers.GetValues("Content-Type").Single());
    }

    [Fact]
    public void An_init_events_data_names_the_id_by_its_kind_and_carries_the_apps_extras_as_sent()
    {
        var body = JsonDocument.Parse("""{"appkey":"app-1","technicalInfo":{"screenSize":"1920x1080"},"pushNotificationToken":null}""").RootElement;

        var identified = WebInitFunction.Session(TrackingIdKind.Uid, "u-1", identified: true, " jané@example.com ", " ", body);
        var anonymous = WebInitFunction.Session(TrackingIdKind.MobileId, "m-1", identified: false, null, null, JsonDocument.Parse("{}").RootElement);

        Assert.Equal("""{"uid":"u-1","identified":true,"email":"jané@example.com","technicalInfo":{"screenSize":"1920x1080"},"pushNotificationToken":null}""",
            identified.GetRawText());
        Assert.Equal("""{"mobileId":"m-1","identified":false}""", anonymous.GetRawText());
    }
}
