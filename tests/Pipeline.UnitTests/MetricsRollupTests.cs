using FsCheck.Xunit;
using Pipeline.Functions.Reportei;

namespace Pipeline.UnitTests;

/// <summary>
/// What one event adds to a day's rollup row, whatever order events arrive in. The row is read back by its stored
/// property names and values, written out here, not through the rollup's own readers.
/// </summary>
public sealed class MetricsRollupTests
{
    private static EventEnvelope Push(string segment, string field, int value, DateTimeOffset at) =>
        new(Guid.CreateVersion7(at), "push." + segment, "test", "site:s1", at,
            JsonDocument.Parse($$"""{"site_id":"s1","{{field}}":{{value}}}""").RootElement);

    [Property]
    public bool A_running_total_keeps_the_value_reported_last_whatever_order_the_events_arrive_in(int seed)
    {
        var day = DateTimeOffset.Parse("2024-03-02T00:00:00Z");
        var events = Enumerable.Range(0, 20).Select(i => Push("cart_recovered", "cart_recovered", i, day.AddMinutes(i))).ToArray();
        new Random(seed).Shuffle(events);
        var row = new TableEntity("p", "d|2024-03-02");
        foreach (var e in events) MetricsRollupProjection.ContributionOf(e)!.Apply(row);
        // The event of minute 19 reported 19; twenty pushes in all.
        return row.GetDouble("carts_recovered") == 19
               && row.GetDateTimeOffset("carts_recovered_at") == day.AddMinutes(19)
               && row.GetInt64("pushes") == 20;
    }

    [Fact]
    public void Visitor_sets_hold_each_visitor_once_across_several_properties()
    {
        var row = new TableEntity("p", "d|2024-03-02");
        for (var i = 0; i < 20_000; i++) RollupProperties.AddVisitor(row, RollupProperties.VisitorHash("visitor:" + (i % 17_000)));

        // 17,000 distinct 8-byte hashes, 8,000 to a property (64,000 bytes, under the 64 KiB a binary property holds).
        Assert.Equal(64_000, row.GetBinary("visitors")!.Length);
        Assert.Equal(64_000, row.GetBinary("visitors1")!.Length);
        Assert.Equal(8_000, row.GetBinary("visitors2")!.Length);
        Assert.Null(row.GetBinary("visitors3"));
        var stored = new[] { "visitors", "visitors1", "visitors2" }.SelectMany(p => row.GetBinary(p)!.Chunk(8))
            .Select(h => BitConverter.ToUInt64(h)).ToList();
        Assert.Equal(17_000, stored.Distinct().Count());
    }

    [Fact]
    public void Events_no_metric_counts_add_nothing()
    {
        var at = DateTimeOffset.UtcNow;
        var unknown = new EventEnvelope(Guid.CreateVersion7(), "something.else", "t", "site:s1", at, JsonDocument.Parse("{}").RootElement);
        var noAppKey = new EventEnvelope(Guid.CreateVersion7(), "tracking.web.send", "t", "visitor:v", at,
            JsonDocument.Parse("""{"actionType":"visit"}""").RootElement);
        var click = new EventEnvelope(Guid.CreateVersion7(), "analytics.lead", "t", "customer:c", at,
            JsonDocument.Parse("""{"entity":"lead","stored":{"customer_id":"c","event_type":"click"}}""").RootElement);
        Assert.Null(MetricsRollupProjection.ContributionOf(unknown));
        Assert.Null(MetricsRollupProjection.ContributionOf(noAppKey));
        Assert.Null(MetricsRollupProjection.ContributionOf(click));
    }

    [Fact]
    public void Long_scope_ids_still_make_a_valid_partition_key()
    {
        var key = MetricsRollups.PartitionOf(RollupScope.TrackingApp, new string('/', 256));
        Assert.True(key.Length < 300, key);
        Assert.NotEqual(key, MetricsRollups.PartitionOf(RollupScope.TrackingApp, new string('/', 255)));
    }
    private static EventEnvelope IAdvize(string type, string fields) =>
        new(Guid.CreateVersion7(), type, "test", "iadvize-visitor:v", DateTimeOffset.Parse("2024-03-02T10:00:00Z"),
            JsonDocument.Parse($$"""{"websiteId":1,{{fields}}}""").RootElement);

    [Fact]
    public void A_breakdown_of_free_text_stays_small_enough_for_one_table_property()
    {
        var row = new TableEntity("p", "d|2024-03-02");
        for (var i = 0; i < 200; i++)
        {
            var channel = JsonSerializer.Serialize(i + string.Concat(Enumerable.Repeat("\U0001F600", 3000)));
            MetricsRollupProjection.ContributionOf(IAdvize("iadvize.conversation.closed", $$"""  "channel":{{channel}}"""))!.Apply(row);
        }
        MetricsRollupProjection.ContributionOf(IAdvize("iadvize.conversation.closed", "\"channel\":\"chat\""))!.Apply(row);

        var channels = row.GetString("channels")!;
        Assert.True(channels.Length <= 32 * 1024, $"{channels.Length} chars");
        var counts = JsonSerializer.Deserialize<Dictionary<string, long>>(channels)!;
        Assert.Equal(201, counts.Values.Sum());
        // At most 50 channels of their own (the first seen), the rest counted together as
        // "(other)", each name cut to 64 characters (plus the ellipsis).
        Assert.Equal(51, counts.Count);
        Assert.Equal(200 - 50 + 1, counts["(other)"]);
        Assert.All(counts.Keys, k => Assert.True(k.Length <= 65, k));
    }

    [Theory]
    [InlineData("1e308")]
    [InlineData("-1e308")]
    [InlineData("\"1e308\"")]
    [InlineData("1e16")]
    public void A_score_no_survey_gives_is_not_counted_and_never_makes_the_sum_infinite(string score)
    {
        var row = new TableEntity("p", "d|2024-03-02");
        for (var i = 0; i < 3; i++)
            MetricsRollupProjection.ContributionOf(IAdvize("iadvize.satisfaction.filled", "\"score\":" + score))?.Apply(row);
        MetricsRollupProjection.ContributionOf(IAdvize("iadvize.satisfaction.filled", "\"score\":4"))!.Apply(row);

        Assert.Equal(4, row.GetDouble("satisfaction_sum"));
        Assert.Equal(1, row.GetInt64("satisfaction_count"));
    }
}
