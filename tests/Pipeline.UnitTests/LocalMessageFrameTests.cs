using Pipeline.Functions.Messaging;

namespace Pipeline.UnitTests;

public sealed class LocalMessageFrameTests
{
    [Fact]
    public void A_framed_message_keeps_its_id_properties_and_body_exactly()
    {
        const string body = """{"id":"e1","data":{"text":"é😀 \"quoted\""}}""";
        var sent = new OutgoingMessage(body, "e1:intercom:2")
        {
            Properties = new Dictionary<string, string> { ["type"] = "push.cart_recovered", ["attempt"] = "3" },
        };

        var received = LocalMessageFrame.Unwrap(LocalMessageFrame.Wrap(sent));

        Assert.Equal(body, received.Body);
        Assert.Equal("e1:intercom:2", received.MessageId);
        Assert.Equal(sent.Properties, received.Properties);
    }

    [Theory]
    [InlineData("not json {")]
    [InlineData("{} trailing")]
    [InlineData("")]
    public void A_body_that_is_not_one_json_value_travels_as_text_and_comes_back_the_same(string body)
    {
        var received = LocalMessageFrame.Unwrap(LocalMessageFrame.Wrap(new OutgoingMessage(body, "m1")));

        Assert.Equal(body, received.Body);
        Assert.Equal("m1", received.MessageId);
    }

    [Theory]
    [InlineData("""{"id":"e1","type":"push.x"}""")]
    [InlineData("not json {")]
    [InlineData("""{"$message":"not a frame"}""")]
    public void A_message_without_a_frame_is_its_own_body_with_no_properties(string text)
    {
        var received = LocalMessageFrame.Unwrap(text);

        Assert.Equal(text, received.Body);
        Assert.Null(received.MessageId);
        Assert.Empty(received.Properties);
    }

    [Fact]
    public void A_requeued_dead_letter_is_a_first_attempt_again_marked_requeued_and_still_addressed_to_its_consumer()
    {
        var dead = LocalMessageFrame.Wrap(new OutgoingMessage("""{"id":"e1"}""", "e1:intercom:4")
        {
            Properties = new Dictionary<string, string>
            {
                [MessageProperties.GaveUp] = "gave up after 4 attempts: 503", [MessageProperties.Attempt] = "4",
                [MessageProperties.FirstAttemptAt] = "2026-12-03T10:00:00Z", [MessageProperties.To] = "intercom",
                [MessageProperties.Type] = "push.cart_recovered",
            },
        });

        var requeued = LocalMessageFrame.Unwrap(LocalMessageFrame.Requeued(dead));

        Assert.Equal("""{"id":"e1"}""", requeued.Body);
        Assert.Equal("e1:intercom:4", requeued.MessageId);
        Assert.False(requeued.Properties.ContainsKey(MessageProperties.GaveUp));
        Assert.False(requeued.Properties.ContainsKey(MessageProperties.Attempt));
        Assert.Equal("true", requeued.Properties[MessageProperties.Requeued]);
        Assert.Equal("intercom", requeued.Properties[MessageProperties.To]);
        Assert.Equal("push.cart_recovered", requeued.Properties[MessageProperties.Type]);
    }
}
