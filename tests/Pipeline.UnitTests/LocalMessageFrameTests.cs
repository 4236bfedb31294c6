namespace Pipeline.UnitTests;

public sealed class LocalMessageFrameTests
{
    [Fact]
    public void A_framed_message_keeps_its_id_properties_and_body_exactly()
    {
        // As the pipeline writes JSON (System.Text.Json's relaxed escaping: é as is, 😀 as its escaped surrogates).
        const string body = """{"id":"e1","data":{"text":"é\uD83D\uDE00 \"quoted\" <b>"}}""";
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
    [InlineData("""{"text":"é😀 漢字"}""")]
    [InlineData("""["ü", {"ключ":"значение"}, 1.50, null]""")]
    public void A_frame_is_ASCII_and_its_body_comes_back_as_the_same_json(string body)
    {
        // Azurite decodes a request body piece by piece: a character split across two pieces would come back as two
        // U+FFFD. Nothing outside ASCII may reach it.
        var frame = LocalMessageFrame.Wrap(new OutgoingMessage(body, "m1")
        {
            Properties = new Dictionary<string, string> { ["subject"] = "visitor:ünï" },
        });

        Assert.All(frame, c => Assert.InRange(c, '\0', '\x7f'));
        var received = LocalMessageFrame.Unwrap(frame);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(body),
            System.Text.Json.Nodes.JsonNode.Parse(received.Body)), received.Body);
        Assert.Equal("visitor:ünï", received.Properties["subject"]);
    }

    [Fact]
    public void A_body_is_weighed_as_it_travels_in_the_frame()
    {
        // {"text":"\u00E9"}: the claim check moves a body to Blob Storage by this size, not its UTF-8 one (13 bytes).
        Assert.Equal(17, LocalMessageFrame.FramedBytes("""{"text":"é"}"""));
    }

    [Theory]
    [InlineData("not json {")]
    [InlineData("ünïcödé, not json")]
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
