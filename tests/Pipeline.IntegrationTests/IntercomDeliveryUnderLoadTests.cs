namespace Pipeline.IntegrationTests;

/// <summary>
/// Every accepted push ends either delivered exactly once or dead-lettered with its reason, against an Intercom
/// that enforces a rate limit and fails some calls with 429, 503 and timeouts.
/// </summary>
public sealed class IntercomDeliveryUnderLoadTests
{
    [Fact]
    public async Task Nothing_is_lost_or_duplicated_under_rate_limits_and_injected_failures()
    {
        var intercom = new RateLimitedIntercom(limitPerWindow: 250, injected429: 0.05, injected503: 0.05,
            injectedTimeouts: 0.02, slowAnswer: TimeSpan.FromSeconds(3));
        await using var pipeline = await TestPipeline.Create().WithIntercom(intercom).With("LocalHost:MaxDeliveryCount", "6").StartAsync();
        var host = pipeline.Host;
        var sites = Enumerable.Range(0, 200).Select(i => $"load-{i:D3}").ToList();

        var accepted = new List<string>();
        await Parallel.ForEachAsync(sites, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (site, _) =>
        {
            var response = await host.PostJsonAsync("api/push/emails_sent", $$"""{"site_id":"{{site}}","emails_sent":"3"}""");
            if (response.StatusCode == HttpStatusCode.OK) lock (accepted) accepted.Add(site);
        });
        Assert.Equal(sites.Count, accepted.Count);

        var deliveries = host.Table(TableNames.Deliveries);
        var poison = host.Queue(Pipeline.Functions.Hosting.QueueNames.Poison(SubscriptionQueues.Intercom));
        Dictionary<string, string> outcomes = [];
        await Eventually.TrueAsync(async () =>
        {
            var settled = await deliveries.QueryAsync<TableEntity>(e => e.RowKey == "intercom")
                .Where(e => e.GetString("Status") == "Delivered").CountAsync();
            var dead = (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            return settled + dead == accepted.Count;
        }, "every accepted push is delivered or dead-lettered", TimeSpan.FromSeconds(90));

        var deadLettered = (await poison.PeekMessagesAsync(32)).Value
            .Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement).ToList();
        Assert.All(deadLettered, d => Assert.False(string.IsNullOrWhiteSpace(d.GetProperty("reason").GetString())));
        var deadSites = deadLettered.Select(d => DeadLetterWrapper.Envelope(d).GetProperty("data").GetProperty("site_id").GetString()).ToHashSet();
        var deliveredSites = intercom.Succeeded.ToList();
        foreach (var site in accepted)
        {
            var successes = deliveredSites.Count(s => s == site);
            Assert.True(deadSites.Contains(site) ? successes == 0 : successes == 1,
                $"{site}: {successes} successful calls, dead-lettered: {deadSites.Contains(site)}");
        }
        Assert.True(intercom.Injected > 0, "failures were injected");
        // Pacing by X-RateLimit-* keeps the limit itself from being hit more than a window-edge handful of times.
        Assert.True(intercom.LimitExceeded <= 5, $"{intercom.LimitExceeded} calls exceeded the rate limit");
    }
}
