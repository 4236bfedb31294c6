using System.Diagnostics;

namespace Pipeline.IntegrationTests;

/// <summary>
/// Storage that stops answering, and a host that dies holding messages: ingest says 503 within seconds, health
/// says so too, and a message held by a killed host is back on its queue within the visibility timeout.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class StorageOutageTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task With_storage_frozen_a_push_is_a_503_with_Retry_After_within_10_seconds_and_health_says_so()
    {
        await using var azurite = await Azurite.StartAsync();
        var settings = PipelineHost.DefaultSettings(azurite.ConnectionString, null);
        settings["LocalHost:VisibilityTimeoutSeconds"] = "10"; // the default: a message held through the outage is back soon
        await using var host = await PipelineHost.StartLocalAsync(settings);
        await Eventually.TrueAsync(async () => (await host.Client.GetAsync("api/health")).IsSuccessStatusCode, "the host is healthy");
        var before = "frozen-before-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.OK, (await Push(host, before)).StatusCode);

        HttpResponseMessage duringPush, duringHealth;
        TimeSpan pushTook, healthTook;
        await azurite.SuspendAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            duringPush = await Push(host, "frozen-during");
            pushTook = clock.Elapsed;
            clock.Restart();
            duringHealth = await host.Client.GetAsync("api/health");
            healthTook = clock.Elapsed;
        }
        finally
        {
            await azurite.ResumeAsync();
        }

        output.WriteLine($"frozen storage: push answered {(int)duringPush.StatusCode} after {pushTook.TotalSeconds:F1} s, " +
                         $"health {(int)duringHealth.StatusCode} after {healthTook.TotalSeconds:F1} s");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, duringPush.StatusCode);
        Assert.True(pushTook < TimeSpan.FromSeconds(10), $"the 503 took {pushTook.TotalSeconds:F1} s");
        Assert.True(duringPush.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a 503 says when to try again");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, duringHealth.StatusCode);
        Assert.True(healthTook < TimeSpan.FromSeconds(10), $"health took {healthTook.TotalSeconds:F1} s");

        // Storage is back: pushes are accepted and recorded again, and nothing earlier was poisoned.
        var after = "frozen-after-" + Guid.NewGuid().ToString("N")[..6];
        await Eventually.TrueAsync(async () => (await Push(host, after)).StatusCode == HttpStatusCode.OK, "a push is accepted again");
        var events = host.Table(TableNames.Events);
        await Eventually.TrueAsync(async () => await events.QueryAsync<TableEntity>(e => e.PartitionKey == "site:" + after).AnyAsync(),
            "the push after the outage is recorded");
        // The push accepted before the freeze may have been in the Recorder's hands: it is recorded once all the same.
        await Eventually.TrueAsync(async () => await events.QueryAsync<TableEntity>(e => e.PartitionKey == "site:" + before).AnyAsync(),
            "the push accepted before the outage is recorded", TimeSpan.FromSeconds(25));
        Assert.Single(await events.QueryAsync<TableEntity>(e => e.PartitionKey == "site:" + before).ToListAsync());
        Assert.Empty((await host.Queue(QueueNames.Poison(QueueNames.Events)).PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task A_message_held_by_a_killed_host_is_back_on_its_queue_within_seconds_and_a_running_one_is_renewed()
    {
        const int visibilitySeconds = 4;
        await using var azurite = await Azurite.StartAsync();
        // An "Intercom" that accepts connections and never answers: the forwarder holds its message far longer
        // than the visibility timeout.
        using var intercom = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        intercom.Start();
        var port = FreePorts.Next();
        using var app = StartAppProcess(new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["PORT"] = port.ToString(),
            ["Intercom__BaseUrl"] = $"http://127.0.0.1:{((IPEndPoint)intercom.LocalEndpoint).Port}",
            ["Intercom__AccessToken"] = "test-token",
            ["Intercom__TimeoutSeconds"] = "30",
            ["LocalHost__VisibilityTimeoutSeconds"] = visibilitySeconds.ToString(),
        });
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            await Eventually.TrueAsync(async () =>
            {
                try { return (await client.GetAsync("api/health")).IsSuccessStatusCode; }
                catch (HttpRequestException) { return false; }
            }, "the app process is healthy", TimeSpan.FromSeconds(60));
            var site = "killed-" + Guid.NewGuid().ToString("N")[..6];
            var pushed = await client.PostAsync("api/push/cart_recovered",
                new StringContent($$"""{"site_id":"{{site}}","cart_recovered":"1"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);
            var deliveries = new TableServiceClient(azurite.ConnectionString).GetTableClient(TableNames.Deliveries);
            await Eventually.TrueAsync(async () => await deliveries.QueryAsync<TableEntity>(e => e.RowKey == "intercom")
                .AnyAsync(e => e.GetString("Status") == "InFlight"), "the forwarder is calling Intercom");

            // While the call runs, its message stays hidden well past the visibility timeout: it is renewed.
            var queue = new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, SubscriptionQueues.Intercom);
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(visibilitySeconds * 2.5))
            {
                Assert.Empty((await queue.PeekMessagesAsync(1)).Value);
                await Task.Delay(250);
            }

            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            var killed = Stopwatch.StartNew();
            await Eventually.TrueAsync(async () => (await queue.PeekMessagesAsync(1)).Value.Length == 1,
                "the message is visible again", TimeSpan.FromSeconds(visibilitySeconds + 6));
            output.WriteLine($"visible again {killed.Elapsed.TotalSeconds:F1} s after the kill (visibility {visibilitySeconds} s)");
            Assert.True(killed.Elapsed < TimeSpan.FromSeconds(visibilitySeconds + 3), $"back after {killed.Elapsed.TotalSeconds:F1} s");
            var message = (await queue.PeekMessagesAsync(1)).Value[0];
            Assert.Contains(site, message.Body.ToString());
        }
        finally
        {
            if (!app.HasExited) app.Kill(entireProcessTree: true);
        }
    }

    private static Task<HttpResponseMessage> Push(PipelineHost host, string site) =>
        host.PostJsonAsync("api/push/cart_recovered", $$"""{"site_id":"{{site}}","cart_recovered":"1"}""");

    /// <summary>The app as its own process (the build next to the test binaries), so that it can be killed outright.</summary>
    private static Process StartAppProcess(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Pipeline.Functions.dll") },
            WorkingDirectory = Path.GetTempPath(), // no local.settings.json is read
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the app");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
