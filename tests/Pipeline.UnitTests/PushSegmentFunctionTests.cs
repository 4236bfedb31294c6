using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Functions.GhostMonitor;

namespace Pipeline.UnitTests;

/// <summary>The push function called directly, with a test context and request, as isolated-worker functions are tested.</summary>
public sealed class PushSegmentFunctionTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly PushSegmentFunction _function = new(new FakeTimeProvider(Now));
    private readonly TestFunctionContext _context = new("PushSegment");

    private PushSegmentOutput Push(string segment, string body) =>
        _function.Run(TestHttpRequestData.PostJson(_context, $"https://app.example/api/push/{segment}", body), segment);

    [Fact]
    public void A_valid_push_answers_200_and_sends_one_event_to_the_events_queue()
    {
        var output = Push("wizard_page_1", """{"site_id":"s-42","wizard_page_1":3}""");

        Assert.Equal(HttpStatusCode.OK, output.Response.StatusCode);
        Assert.Equal("""{"code":"200","message":"ok"}""", TestHttpResponseData.BodyOf(output.Response));
        var sent = Assert.IsType<JsonElement>(output.Event);
        Assert.Equal("push.wizard_page_1", sent.GetProperty("type").GetString());
        Assert.Equal("site:s-42", sent.GetProperty("subject").GetString());
        Assert.Equal(3, sent.GetProperty("data").GetProperty("wizard_page_1").GetDouble());
        var queue = typeof(PushSegmentOutput).GetProperty(nameof(PushSegmentOutput.Event))!.GetCustomAttribute<ServiceBusOutputAttribute>();
        Assert.Equal("events", queue!.QueueOrTopicName);
    }

    [Fact]
    public void An_unknown_segment_answers_404_with_the_valid_ones_and_sends_nothing()
    {
        var output = Push("trial_started", """{"site_id":"s-42"}""");

        Assert.Equal(HttpStatusCode.NotFound, output.Response.StatusCode);
        Assert.Null(output.Event);
        var message = JsonDocument.Parse(TestHttpResponseData.BodyOf(output.Response)).RootElement.GetProperty("message");
        Assert.Equal("unknown segment 'trial_started'", message.GetProperty("segment").GetString());
        var valid = message.GetProperty("valid").EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.Contains("wizard_page_1", valid);
        Assert.Contains("wizard_page_3", valid);
        Assert.DoesNotContain("trial_started", valid);
    }

    [Theory]
    [InlineData("", "body is empty; send a JSON object")]
    [InlineData("[1]", "body must be a JSON object")]
    public void A_body_that_is_not_a_json_object_answers_400_and_sends_nothing(string body, string problem)
    {
        var output = Push("wizard_page_1", body);

        Assert.Equal(HttpStatusCode.BadRequest, output.Response.StatusCode);
        Assert.Null(output.Event);
        Assert.Equal(problem, JsonDocument.Parse(TestHttpResponseData.BodyOf(output.Response)).RootElement.GetProperty("message").GetString());
    }
}
