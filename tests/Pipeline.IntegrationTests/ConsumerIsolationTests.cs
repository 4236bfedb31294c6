namespace Pipeline.IntegrationTests;

/// <summary>
/// Each consumer has its own subscription: one whose storage is gone retries and dead-letters on its own, while the
/// others get every event as if nothing happened; a requeue after the repair applies each event once.
/// </summary>
public sealed class ConsumerIsolationTests : IAsyncLifetime
{
    private const string AdminKey = "isolation-admin-key";
    private readonly IntercomStandIn _intercom = new();
    private TestPipeline _pipeline = null!;
    private PipelineHost Host => _pipeline.Host;

    public async Task InitializeAsync() =>
        _pipeline = await TestPipeline.Create().WithIntercom(_intercom).With("Admin:ApiKey", AdminKey).StartAsync();

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    [Fact]
    public async Task A_projection_whose_table_is_gone_delays_no_other_consumer_and_its_messages_dead_letter_until_requeued()
    {
        var rollupsQueue = SubscriptionQueues.Of("metrics-rollups");
        await Host.Table(Pipeline.Functions.Reportei.MetricsRollups.TableName).DeleteAsync(); // the Reportei module's storage is gone
        var sites = Enumerable.Range(0, 20).Select(_ => PipelineFixture.NewSiteId()).ToList();

        var pushes = await Task.WhenAll(sites.Select(site => Host.PostJsonAsync("api/push/cart_recovered",
            $$"""{"site_id":"{{site}}","cart_recovered":"2"}""")));

        Assert.All(pushes, p => Assert.Equal(HttpStatusCode.OK, p.StatusCode));
        await Eventually.TrueAsync(() => sites.All(s => _intercom.CompanyCalls(s).Count == 1), "every push reaches Intercom",
            TimeSpan.FromSeconds(60));
        var poison = Host.Queue(QueueNames.Poison(rollupsQueue));
        await Eventually.TrueAsync(async () => (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount == sites.Count,
            "each rollup message dead-letters on the rollups' own subscription", TimeSpan.FromSeconds(60));
        var dead = (await poison.PeekMessagesAsync(1)).Value.Single().Body.ToString();
        using (var reason = JsonDocument.Parse(dead))
            Assert.Contains("TableNotFound", reason.RootElement.GetProperty("reason").GetString());
        Assert.Equal(0, (await Host.Queue(QueueNames.Poison(SubscriptionQueues.Intercom)).GetPropertiesAsync()).Value.ApproximateMessagesCount);

        // Repaired, then requeued: each event is counted once.
        await Host.Table(Pipeline.Functions.Reportei.MetricsRollups.TableName).CreateIfNotExistsAsync();
        using var requeue = new HttpRequestMessage(HttpMethod.Post, "api/ops/dead-letters/requeue")
        {
            Content = new StringContent($$"""{"queue":"metrics-rollups"}""", Encoding.UTF8, "application/json"),
        };
        requeue.Headers.Add("X-Api-Key", AdminKey);
        var requeued = await Host.Client.SendAsync(requeue);
        Assert.True(requeued.IsSuccessStatusCode, await requeued.Content.ReadAsStringAsync());
        await Eventually.TrueAsync(async () => (await PushesCounted(sites)) == sites.Count, "every push is rolled up once",
            TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(1)); // a second application would show by now
        Assert.Equal(sites.Count, await PushesCounted(sites));
    }

    private async Task<long> PushesCounted(IReadOnlyCollection<string> sites)
    {
        long total = 0;
        await foreach (var row in Host.Table(Pipeline.Functions.Reportei.MetricsRollups.TableName).QueryAsync<TableEntity>("RowKey ge 'd|' and RowKey lt 'd}'"))
        {
            if (sites.Any(s => row.PartitionKey.EndsWith(s, StringComparison.Ordinal)))
                total += row.GetInt64(Pipeline.Functions.Reportei.Metrics.Pushes) ?? 0;
        }
        return total;
    }
}
