using Microsoft.Extensions.Time.Testing;
using Pipeline.Functions.Analytics;

namespace Pipeline.UnitTests;

/// <summary>The analytics refusals byte for byte: a sentence alone, or <c>validation failed</c> with the fields at fault.</summary>
public sealed class AnalyticsAnswerTests
{
    private readonly TestFunctionContext _context = new("CreateLeadAnalytics");

    private AnalyticsOutput Create(string body) =>
        AnalyticsIngest.Handle(AnalyticsKind.Lead, TestHttpRequestData.PostJson(_context, "https://app.example/api/v1/lead_analytics", body),
            new FakeTimeProvider());

    [Fact]
    public void A_body_that_is_not_an_object_is_a_400_told_in_a_sentence()
    {
        var output = Create("[1]");

        Assert.Equal(HttpStatusCode.BadRequest, output.Response.StatusCode);
        Assert.Equal("""{"message":"body must be a JSON object"}""", TestHttpResponseData.BodyOf(output.Response));
        Assert.Null(output.Event);
    }

    [Fact]
    public void Missing_fields_are_a_422_listing_each_in_the_order_they_were_checked()
    {
        var output = Create("""{"customer_id":"C","lead_id":"L","user_id":"U","recording_id":"R","event_id":"e","message":5}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, output.Response.StatusCode);
        Assert.Equal("""{"message":"validation failed","errors":{"event_type":"is required","message":"must be a string"}}""",
            TestHttpResponseData.BodyOf(output.Response));
        Assert.Null(output.Event);
    }

    [Fact]
    public void A_created_event_carries_the_callers_text_as_utf8_as_the_answer_does()
    {
        var output = Create("""{"customer_id":"C","lead_id":"L","user_id":"U","recording_id":"R","event_type":"view","event_id":"e","message":"déjà vu"}""");

        Assert.Equal(HttpStatusCode.Created, output.Response.StatusCode);
        Assert.Contains("\"message\":\"déjà vu\"", TestHttpResponseData.BodyOf(output.Response));
        var data = output.Event!.Value.GetProperty("data");
        Assert.Equal("lead", data.GetProperty("entity").GetString());
        Assert.Equal("L", data.GetProperty("entity_id").GetString());
        Assert.Equal("\"déjà vu\"", data.GetProperty("stored").GetProperty("message").GetRawText());
    }
}
