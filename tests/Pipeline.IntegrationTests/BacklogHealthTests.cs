using Pipeline.Functions.Health;

namespace Pipeline.IntegrationTests;

/// <summary>
/// The backlog in sight on Azurite: messages put on a queue that no consumer reads show in the ops summary and in
/// health; health says degraded while the backlog grows, not once it holds steady; dead letters and failing receives
/// degrade it too, and it stays a 200 throughout.
/// </summary>
public sealed class BacklogHealthTests
{
    private const string AdminKey = "backlog-admin-key";

    private static async Task<JsonElement> Json(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", AdminKey);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static JsonElement Entity(JsonElement answer, string name) =>
        answer.GetProperty("backlog").EnumerateArray().Single(e => e.GetProperty("entity").GetString() == name);

    private static string[] Reasons(JsonElement health) =>
        health.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToArray();

    /// <summary>The intercom consumer's entity: a subscription of the recorded topic.</summary>
    private const string Intercom = "recorded/subscriptions/intercom";

    [Fact]
    public async Task Messages_nobody_consumes_show_in_summary_and_health_which_degrades_while_they_grow_and_on_dead_letters()
    {
        await using var pipeline = await TestPipeline.Create()
            .With("Admin:ApiKey", AdminKey)
            .With("LocalHost:ReceiversPerQueue", "0") // every consumer stopped
            .With("Health:BacklogSampleSeconds", "0.5")
            .With("Health:BacklogGrowthSamples", "3")
            .StartAsync();
        var client = pipeline.Host.Client;
        var intercom = pipeline.Host.Queue(SubscriptionQueues.Intercom);
        await intercom.CreateIfNotExistsAsync();

        var healthy = await Json(client, "api/health");
        Assert.Equal("healthy", healthy.GetProperty("status").GetString());
        Assert.Equal("reachable", healthy.GetProperty("storage").GetString());
        Assert.Empty(Reasons(healthy));

        // A message now and then, as producers with no consumer would: the backlog grows sample after sample.
        var sent = 0;
        JsonElement degraded = default;
        await Eventually.TrueAsync(async () =>
        {
            await intercom.SendMessageAsync("""{"id":"not-consumed"}""");
            sent++;
            await Task.Delay(200);
            degraded = await Json(client, "api/health");
            return degraded.GetProperty("status").GetString() == "degraded";
        }, "health says degraded while the backlog grows", TimeSpan.FromSeconds(40));
        Assert.Equal("reachable", degraded.GetProperty("storage").GetString());
        Assert.Contains(Reasons(degraded), r => r.StartsWith(Intercom + ": backlog kept growing over the last 3 samples"));
        Assert.True(Entity(degraded, Intercom).GetProperty("growing").GetBoolean());

        // Held steady, the backlog is visible in the summary (all of it) and no longer degrades health.
        JsonElement summary = default;
        await Eventually.TrueAsync(async () =>
        {
            summary = await Json(client, "api/ops/summary?hours=1");
            return Entity(summary, Intercom).GetProperty("active").GetInt64() == sent;
        }, $"the summary shows the {sent} waiting messages");
        var waiting = Entity(summary, Intercom);
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("scheduled").ValueKind); // a storage queue cannot tell
        Assert.Contains("scheduled is unknown", waiting.GetProperty("note").GetString());
        Assert.Equal(0, waiting.GetProperty("dead_lettered").GetInt64());
        Assert.True(summary.GetProperty("destinations").GetArrayLength() >= 1); // the existing answer is all there
        JsonElement steady = default;
        await Eventually.TrueAsync(async () =>
        {
            steady = await Json(client, "api/health");
            return steady.GetProperty("status").GetString() == "healthy";
        }, "a steady backlog is healthy again");
        Assert.Equal(sent, Entity(steady, Intercom).GetProperty("active").GetInt64());

        // A dead letter waiting for an operator degrades health, and shows in the summary.
        var poison = pipeline.Host.Queue(Pipeline.Functions.Hosting.QueueNames.Poison(SubscriptionQueues.Intercom));
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync("""{"queue":"intercom","reason":"test","message":{}}""");
        JsonElement withDeadLetter = default;
        await Eventually.TrueAsync(async () =>
        {
            withDeadLetter = await Json(client, "api/health");
            return Reasons(withDeadLetter).Contains(Intercom + ": 1 dead-lettered message(s)");
        }, "health names the dead letter");
        Assert.Equal("degraded", withDeadLetter.GetProperty("status").GetString());
        await Eventually.TrueAsync(async () => Entity(await Json(client, "api/ops/summary"), Intercom).GetProperty("dead_lettered").GetInt64() == 1,
            "the summary counts the dead letter");
    }

    [Fact]
    public async Task Receives_that_keep_failing_degrade_health_until_one_succeeds()
    {
        // No listener of its own, whose successful receives would clear the failures reported here.
        await using var pipeline = await TestPipeline.Create().With("Health:BacklogSampleSeconds", "60")
            .With("LocalHost:ReceiversPerQueue", "0").StartAsync();
        var receives = pipeline.Host.Services.GetRequiredService<ReceiveHealth>();

        for (var i = 0; i < ReceiveHealth.FailuresBeforeDegraded; i++) receives.ReportReceiveFailed("events", "RequestFailedException: 503");
        var degraded = await Json(pipeline.Host.Client, "api/health");
        receives.ReportReceiveSucceeded("events");
        var recovered = await Json(pipeline.Host.Client, "api/health");

        Assert.Equal("degraded", degraded.GetProperty("status").GetString());
        Assert.Equal("events: the last 3 receives failed (RequestFailedException: 503)", Assert.Single(Reasons(degraded)));
        Assert.Equal("healthy", recovered.GetProperty("status").GetString());
    }
}

/// <summary>
/// The local host's backpressure: past <c>LocalHost__MaxBacklog</c> waiting messages, a function that queues work is
/// refused with a 503 that says nothing was accepted, and nothing is; once the backlog is back under it, calls are
/// accepted again. (Azurite slows with every message it holds; past some thousands it cannot drain them.)
/// </summary>
public sealed class LocalBackpressureTests
{
    [Fact]
    public async Task Past_the_backlog_limit_a_push_is_refused_with_nothing_accepted_and_accepted_again_once_it_drains()
    {
        await using var pipeline = await TestPipeline.Create()
            .With("LocalHost:ReceiversPerQueue", "0") // nothing drains until the test says so
            .With("LocalHost:MaxBacklog", "3")
            .With("Health:BacklogSampleSeconds", "0.2")
            .StartAsync();
        var host = pipeline.Host;
        var replays = host.Queue("replays");
        await replays.CreateIfNotExistsAsync();
        var held = new List<Azure.Storage.Queues.Models.SendReceipt>();
        for (var i = 0; i < 4; i++) held.Add((await replays.SendMessageAsync("""{"held":true}""")).Value);

        // Until the sampler has seen the backlog, pushes are accepted (and wait on events, nothing drains).
        HttpResponseMessage refused = null!;
        var accepted = 0;
        await Eventually.TrueAsync(async () =>
        {
            refused = await host.PostJsonAsync("api/push/cart_recovered", """{"site_id":"behind-1","cart_recovered":"1"}""");
            if (refused.StatusCode == HttpStatusCode.OK) accepted++;
            return refused.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, "a push is refused once the sampler sees more than 3 waiting");
        var body = await refused.Content.ReadAsStringAsync();
        Assert.Matches("the pipeline is behind: [0-9]+ messages wait; nothing was accepted", body);
        Assert.Equal("30", refused.Headers.GetValues("Retry-After").Single());
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.ServiceUnavailable,
                (await host.PostJsonAsync("api/push/cart_recovered", """{"site_id":"behind-1","cart_recovered":"1"}""")).StatusCode);
        Assert.Equal(accepted, (await host.Queue("events").GetPropertiesAsync()).Value.ApproximateMessagesCount); // the refused left nothing

        // A function that queues nothing is not refused; health says why callers are being turned away.
        var health = await host.Client.GetAsync("api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var said = System.Text.Json.JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("degraded", said.GetProperty("status").GetString());
        Assert.Contains(said.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()),
            r => r!.StartsWith("new work was refused") && r.Contains("past LocalHost__MaxBacklog (3)"));

        foreach (var receipt in held) await replays.DeleteMessageAsync(receipt.MessageId, receipt.PopReceipt);
        await host.Queue("events").ClearMessagesAsync();
        await Eventually.TrueAsync(async () =>
            (await host.PostJsonAsync("api/push/cart_recovered", """{"site_id":"behind-2","cart_recovered":"1"}""")).StatusCode
            == HttpStatusCode.OK, "accepted again once the backlog is under the limit");
    }
}
