using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.Intercom;

namespace Pipeline.UnitTests;

public sealed class MessageShapesTests
{
    [Fact]
    public void A_first_sweep_page_has_no_continuation_and_round_trips()
    {
        var page = new SweepPage(Guid.CreateVersion7(), null);

        var parsed = SweepPage.Parse(page.ToJson().GetRawText());

        Assert.Equal(page, parsed);
        Assert.False(page.ToJson().TryGetProperty("continuation", out _));
    }

    [Fact]
    public void Envelopes_round_trip_with_camel_case_names()
    {
        var envelope = EventEnvelope.Create("push.cart_recovered", "test", "site:1",
            JsonDocument.Parse("""{"site_id":"1","cart_recovered":2}""").RootElement, TimeProvider.System);

        var json = envelope.ToJson();
        var parsed = EventEnvelope.Parse(json.GetRawText());

        Assert.Equal(envelope.Id, parsed.Id);
        Assert.Equal(7, envelope.Id.Version);
        Assert.Equal(2, parsed.Data.GetProperty("cart_recovered").GetInt32());
        Assert.True(json.TryGetProperty("receivedAt", out _));
        Assert.Equal(1, json.GetProperty("schemaVersion").GetInt32());
    }

    [Theory]
    [InlineData("null")]
    [InlineData("""{"id":"01938a5e-0000-7000-8000-000000000001"}""")]
    public void Text_that_is_not_an_envelope_is_refused(string json) =>
        Assert.ThrowsAny<JsonException>(() => EventEnvelope.Parse(json));
}
