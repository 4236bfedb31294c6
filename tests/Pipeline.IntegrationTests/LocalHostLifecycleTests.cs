using Microsoft.Extensions.Logging;

namespace Pipeline.IntegrationTests;

/// <summary>Start-up, health and shutdown of the local host.</summary>
public sealed class LocalHostLifecycleTests
{
    [Fact]
    public async Task Health_is_503_until_storage_is_reachable()
    {
        await using var pipeline = await TestPipeline.Create().WithUnreachableStorage().StartAsync();
        var host = pipeline.Host;

        var response = await host.Client.GetAsync("api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("unhealthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Storage_that_is_still_starting_is_retried_without_a_warning()
    {
        var logs = new LogCapture();
        await using var pipeline = await TestPipeline.Create().WithUnreachableStorage()
            .With("Logging:LogLevel:" + typeof(StorageInitializer).FullName, "Debug")
            .WithServices(s => s.AddSingleton<ILoggerProvider>(logs))
            .StartAsync();

        // Well within StorageInitializer.QuietFor: the wait for an Azurite that is still starting is not news.
        await Eventually.TrueAsync(() => logs.Of<StorageInitializer>().Count(e => e.Message.StartsWith("Storage not reachable yet")) >= 2,
            "storage is retried twice");
        Assert.DoesNotContain(logs.Of<StorageInitializer>(), e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Health_is_200_with_storage()
    {
        await using var pipeline = await TestPipeline.Create().StartAsync(); // returns once health answered 2xx
        var host = pipeline.Host;

        var response = await host.Client.GetAsync("api/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Without_an_Intercom_token_deliveries_are_skipped_and_events_still_recorded()
    {
        var intercom = new IntercomStandIn();
        // Reachable, but no token: it must not be called.
        await using var pipeline = await TestPipeline.Create().WithIntercom(intercom, withToken: false).StartAsync();
        var host = pipeline.Host;

        var response = await host.PostJsonAsync("api/push/cart_recovered", """{"site_id":"5","cart_recovered":"1"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var deliveries = host.Table(TableNames.Deliveries);
        await Eventually.TrueAsync(async () =>
            await deliveries.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.RowKey == "intercom")
                .AnyAsync(e => e.GetString("Status") == "Skipped"), "the delivery is recorded as skipped");
        Assert.Empty(intercom.CompanyCalls("5"));
        Assert.Single(await host.Table(TableNames.Events).QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == "site:5").ToListAsync());
    }

    [Fact]
    public async Task Stopping_mid_flow_loses_nothing_and_a_restart_finishes_the_work()
    {
        var intercom = new IntercomStandIn();
        intercom.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/companies").UsingPost())
            .AtPriority(50)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromMilliseconds(300)));
        var sites = Enumerable.Range(0, 30).Select(i => $"shutdown-{i}").ToList();

        await using var pipeline = await TestPipeline.Create().WithIntercom(intercom).StartAsync();
        var first = pipeline.Host;
        foreach (var site in sites)
        {
            var response = await first.PostJsonAsync("api/push/cart_recovered", $$"""{"site_id":"{{site}}","cart_recovered":"1"}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await pipeline.RestartAsync(); // a graceful stop while messages are queued and calls are in flight, then a new start
        await Eventually.TrueAsync(() => sites.All(s => intercom.CompanyCalls(s).Count >= 1),
            "every accepted push reaches Intercom after the restart", TimeSpan.FromSeconds(20));
        Assert.All(sites, s => Assert.Single(intercom.CompanyCalls(s)));
    }
}

