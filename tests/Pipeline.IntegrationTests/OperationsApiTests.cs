using System.Text.Json.Nodes;

namespace Pipeline.IntegrationTests;

/// <summary>
/// The admin API end to end through the local host: failed deliveries found through the index, replayed after the
/// Intercom stand-in recovers, each reaching it once; dry runs, refusals, paging, dead letters.
/// </summary>
public sealed class OperationsApiTests(OperationsFixture fixture) : IClassFixture<OperationsFixture>
{
    private PipelineHost Host => fixture.Host;

    [Fact]
    public async Task Failed_delivery_replayed_after_Intercom_recovers_reaches_it_exactly_once()
    {
        var site = PipelineFixture.NewSiteId();
        var outage = fixture.FailCompanies(site, 401);
        var eventId = await fixture.PushAsync(site);
        await Eventually.TrueAsync(async () => await fixture.DeliveryStatusAsync(eventId) == "Failed", "the delivery is recorded as failed");

        var listed = await fixture.AdminJsonAsync($"api/ops/deliveries?destination=intercom&status=failed&subject=site:{site}");
        var row = Assert.Single(listed.GetProperty("deliveries").EnumerateArray());
        Assert.Equal(eventId.ToString(), row.GetProperty("event_id").GetString());
        Assert.Equal("push.cart_recovered", row.GetProperty("event_type").GetString());
        Assert.Equal("site:" + site, row.GetProperty("subject").GetString());
        Assert.Equal("failed", row.GetProperty("status").GetString());
        Assert.Equal(401, row.GetProperty("http_status").GetInt32());
        Assert.Contains("Access Token Invalid", row.GetProperty("error").GetString());
        Assert.Equal(1, row.GetProperty("attempts").GetInt32());

        // A dry run says what would happen and changes nothing.
        var recordBefore = await fixture.DeliveryOf(eventId, "intercom");
        var dry = await fixture.AdminPostAsync("api/ops/replay",
            $$"""{"destination":"intercom","status":"failed","subject":"site:{{site}}","dry_run":true}""");
        var dryBody = JsonDocument.Parse(await dry.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        Assert.Equal(1, dryBody.GetProperty("count").GetInt32());
        Assert.Equal(1, dryBody.GetProperty("would_queue").GetInt32());
        Assert.Equal(eventId.ToString(), Assert.Single(dryBody.GetProperty("event_ids").EnumerateArray()).GetString());
        Assert.Equal(recordBefore!.ETag, (await fixture.DeliveryOf(eventId, "intercom"))!.ETag);
        Assert.DoesNotContain(await Host.Table(Pipeline.Functions.Operations.Replayer.TableName).QueryAsync<TableEntity>().ToListAsync(),
            replay => replay.GetString("Request").Contains(site));
        Assert.Equal(0, fixture.DeliveredCalls(site));

        fixture.Recover(outage);
        var replay = await fixture.AdminPostAsync("api/ops/replay",
            $$"""{"destination":"intercom","status":"failed","subject":"site:{{site}}"}""");
        var replayBody = JsonDocument.Parse(await replay.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(1, replayBody.GetProperty("queued").GetInt32());
        Assert.Equal("done", replayBody.GetProperty("status").GetString());

        await Eventually.TrueAsync(async () => await fixture.DeliveryStatusAsync(eventId) == "Delivered", "the replayed event is delivered");
        Assert.Equal(1, fixture.DeliveredCalls(site));

        var stored = await fixture.AdminJsonAsync($"api/ops/events/{eventId}");
        Assert.Equal("push.cart_recovered", stored.GetProperty("envelope").GetProperty("type").GetString());
        var delivery = Assert.Single(stored.GetProperty("deliveries").EnumerateArray());
        Assert.Equal("delivered", delivery.GetProperty("status").GetString());
        Assert.Equal(1, delivery.GetProperty("replays").GetInt32());
        var history = delivery.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal("failed,delivered", string.Join(",", history.Select(a => a.GetProperty("status").GetString())));
        Assert.Equal(401, history[0].GetProperty("http_status").GetInt32());

        // The index follows the record.
        var after = await fixture.AdminJsonAsync($"api/ops/deliveries?destination=intercom&status=delivered&subject=site:{site}");
        Assert.Equal(2, Assert.Single(after.GetProperty("deliveries").EnumerateArray()).GetProperty("attempts").GetInt32());

        // A second replay of the delivered event is refused without force...
        var again = await fixture.AdminPostAsync("api/ops/replay", $$"""{"destination":"intercom","event_ids":["{{eventId}}"]}""");
        var againBody = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(0, againBody.GetProperty("queued").GetInt32());
        Assert.Contains("already delivered", Assert.Single(againBody.GetProperty("refusals").EnumerateArray()).GetProperty("reason").GetString());
        Assert.Equal("Delivered", await fixture.DeliveryStatusAsync(eventId));

        // ...and delivered again with it: a third attempt, which Intercom's newest-wins rule makes send nothing new.
        var forced = await fixture.AdminPostAsync("api/ops/replay", $$"""{"destination":"intercom","event_ids":["{{eventId}}"],"force":true}""");
        Assert.Equal(1, JsonDocument.Parse(await forced.Content.ReadAsStringAsync()).RootElement.GetProperty("queued").GetInt32());
        await Eventually.TrueAsync(async () => (await fixture.DeliveryOf(eventId, "intercom"))?.GetInt32("Attempts") == 3
                                               && await fixture.DeliveryStatusAsync(eventId) == "Delivered", "the forced replay is delivered");
        Assert.Equal(1, fixture.DeliveredCalls(site));
    }

    [Fact]
    public async Task Deliveries_page_with_continuation_and_a_large_replay_runs_in_pages_behind_the_queue()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var marker = "page-" + Guid.NewGuid().ToString("N")[..8];
        var sites = Enumerable.Range(0, 5).Select(i => $"{marker}-{i}").ToList();
        var outage = fixture.FailCompanies(marker, 400);
        var ids = new List<Guid>();
        foreach (var site in sites) ids.Add(await fixture.PushAsync(site));
        foreach (var id in ids)
            await Eventually.TrueAsync(async () => await fixture.DeliveryStatusAsync(id) == "Failed", $"{id} is recorded as failed");

        var range = $"since={Uri.EscapeDataString(since.ToString("O"))}&until={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(1).ToString("O"))}";
        var seen = new List<Guid>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await fixture.AdminJsonAsync($"api/ops/deliveries?destination=intercom&status=failed&{range}&limit=2" +
                                                    (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));
            var rows = page.GetProperty("deliveries").EnumerateArray().ToList();
            Assert.InRange(rows.Count, 0, 2);
            seen.AddRange(rows.Select(r => r.GetProperty("event_id").GetGuid()));
            continuation = page.GetProperty("continuation").ValueKind == JsonValueKind.Null ? null : page.GetProperty("continuation").GetString();
            pages++;
        } while (continuation is not null && pages < 20);
        Assert.Null(continuation);
        Assert.True(pages >= 3, $"5 deliveries by 2 take at least 3 pages, took {pages}");
        Assert.Equal(ids.Order(), seen.Order());

        foreach (var forged in new[] { "not-a-token", "d1.%%%", "d1." + Convert.ToBase64String(Encoding.UTF8.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes("other|2026112300")) + " eA==")) })
        {
            var bad = await fixture.AdminGetAsync("api/ops/deliveries?destination=intercom&continuation=" + Uri.EscapeDataString(forged));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        fixture.Recover(outage);
        var start = await fixture.AdminPostAsync("api/ops/replay", $$"""{"destination":"intercom","status":"failed","since":"{{since:O}}"}""");
        var started = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        Assert.Equal(5, started.GetProperty("count").GetInt32());
        var replayId = started.GetProperty("replay_id").GetString();

        JsonElement progress = default;
        await Eventually.TrueAsync(async () =>
        {
            progress = await fixture.AdminJsonAsync($"api/ops/replays/{replayId}");
            return progress.GetProperty("status").GetString() == "done";
        }, "the replay runs all its pages");
        Assert.Equal(5, progress.GetProperty("queued").GetInt32());
        Assert.Equal(0, progress.GetProperty("refused").GetInt32());
        Assert.True(progress.GetProperty("pages").GetInt32() >= 3);

        foreach (var id in ids)
            await Eventually.TrueAsync(async () => await fixture.DeliveryStatusAsync(id) == "Delivered", $"{id} is delivered");
        Assert.All(sites, site => Assert.Equal(1, fixture.DeliveredCalls(site)));
    }

    [Fact]
    public async Task Dead_letters_are_listed_with_their_reason_and_requeued()
    {
        var site = PipelineFixture.NewSiteId();
        var outage = fixture.FailCompanies(site, 503);
        var eventId = await fixture.PushAsync(site);

        JsonElement? dead = null;
        await Eventually.TrueAsync(async () =>
        {
            var listed = await fixture.AdminJsonAsync("api/ops/dead-letters?queue=intercom");
            dead = listed.GetProperty("queues")[0].GetProperty("messages").EnumerateArray()
                .Cast<JsonElement?>().FirstOrDefault(m => m!.Value.GetProperty("event_id").GetString() == eventId.ToString());
            return dead is not null;
        }, "the message is dead-lettered", TimeSpan.FromSeconds(30));
        Assert.Contains("503", dead!.Value.GetProperty("reason").GetString());
        Assert.Equal("push.cart_recovered", dead.Value.GetProperty("event_type").GetString());

        fixture.Recover(outage);
        var messageId = dead.Value.GetProperty("message_id").GetString();
        var requeue = await fixture.AdminPostAsync("api/ops/dead-letters/requeue", $$"""{"queue":"intercom","message_ids":["{{messageId}}"]}""");
        Assert.Equal(HttpStatusCode.OK, requeue.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await requeue.Content.ReadAsStringAsync()).RootElement.GetProperty("requeued").GetInt32());

        await Eventually.TrueAsync(async () => await fixture.DeliveryStatusAsync(eventId) == "Delivered", "the requeued message is delivered");
        Assert.Equal(1, fixture.DeliveredCalls(site));
        var after = await fixture.AdminJsonAsync("api/ops/dead-letters?queue=intercom");
        Assert.DoesNotContain(after.GetProperty("queues")[0].GetProperty("messages").EnumerateArray(),
            m => m.GetProperty("message_id").GetString() == messageId);
    }

    [Theory]
    [InlineData("GET", "api/ops/deliveries?destination=intercom")]
    [InlineData("GET", "api/ops/events/0193a1b2-0000-7000-8000-000000000000")]
    [InlineData("POST", "api/ops/replay")]
    [InlineData("GET", "api/ops/replays/0193a1b2-0000-7000-8000-000000000000")]
    [InlineData("GET", "api/ops/dead-letters")]
    [InlineData("POST", "api/ops/dead-letters/requeue")]
    [InlineData("GET", "api/ops/sweep")]
    [InlineData("GET", "api/ops/summary")]
    public async Task Admin_routes_answer_401_without_the_right_key(string method, string path)
    {
        foreach (var key in new[] { null, "wrong-key" })
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST") request.Content = new StringContent("""{"destination":"intercom"}""", Encoding.UTF8, "application/json");
            if (key is not null) request.Headers.Add("X-Api-Key", key);
            var response = await Host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("""{"destination":"nowhere"}""", "destination")]
    [InlineData("""{"destination":"intercom","status":"lost"}""", "status")]
    [InlineData("""{"destination":"intercom","since":"yesterday"}""", "since")]
    [InlineData("""{"destination":"intercom","since":"2026-01-02T00:00:00Z","until":"2026-01-01T00:00:00Z"}""", "since")]
    [InlineData("""{"destination":"intercom","event_ids":["not-a-guid"]}""", "event_ids")]
    [InlineData("""{"destination":"intercom","event_ids":[]}""", "event_ids")]
    [InlineData("""{"destination":"intercom","dry_run":"yes"}""", "dry_run")]
    [InlineData("""[1,2]""", "body")]
    [InlineData("", "body")]
    public async Task Bad_replay_requests_are_a_400_naming_the_field(string body, string field)
    {
        var response = await fixture.AdminPostAsync("api/ops/replay", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Equal(field, JsonDocument.Parse(text).RootElement.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("api/ops/deliveries", "destination")]
    [InlineData("api/ops/deliveries?destination=intercom&status=lost", "status")]
    [InlineData("api/ops/deliveries?destination=intercom&limit=0", "limit")]
    [InlineData("api/ops/deliveries?destination=intercom&since=2020-01-01T00:00:00Z", "since")]
    [InlineData("api/ops/events/not-an-id", "id")]
    [InlineData("api/ops/dead-letters?queue=nope", "queue")]
    [InlineData("api/ops/summary?hours=1000", "hours")]
    public async Task Bad_queries_are_a_400_naming_the_parameter(string path, string field)
    {
        var response = await fixture.AdminGetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Equal(field, JsonDocument.Parse(text).RootElement.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("api/ops/replay", """{"destination":"nowhere","destination":"intercom","dry_run":true}""", "destination")]
    [InlineData("api/ops/replay", """{"destination":"intercom","dry_run":true,"status":"failed","dry_run":false}""", "dry_run")]
    [InlineData("api/ops/dead-letters/requeue", """{"queue":"nope","queue":"intercom"}""", "queue")]
    public async Task A_property_named_twice_is_a_400_naming_it(string path, string body, string property)
    {
        var response = await fixture.AdminPostAsync(path, body);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        var answer = JsonDocument.Parse(text).RootElement;
        Assert.Equal("bad_request", answer.GetProperty("error").GetString());
        Assert.Equal("body", answer.GetProperty("field").GetString());
        Assert.Contains($"'{property}'", answer.GetProperty("message").GetString());
    }

    /// <summary>
    /// Times the parser reads, at the calendar's ends and with offsets: each is answered (the range listed, or a 400
    /// naming the time at fault), never a 5xx, alike on the list and on a replay's dry run.
    /// </summary>
    [Theory]
    [InlineData("until=0001-01-01T00:00:00Z", "until")]
    [InlineData("since=0001-01-01T00:00:00Z", "since")]
    [InlineData("since=0001-01-01T00:00:00Z&until=0001-01-02T00:00:00Z", "since")]
    [InlineData("until=0001-01-01T00:30:00-01:00", "until")]
    [InlineData("until=0001-01-01T00:00:00+01:00", "until")]
    [InlineData("until=1600-12-31T23:59:59.999Z", "until")]
    [InlineData("until=1601-01-01T00:00:00Z", null)]
    [InlineData("since=1601-01-01T00:00:00Z&until=1601-01-31T00:00:00Z", null)]
    [InlineData("until=9999-12-31T23:59:59Z", null)]
    [InlineData("until=9999-12-31T23:59:59.9999999Z", null)]
    [InlineData("since=9999-12-30T23:59:59Z&until=9999-12-31T23:59:59Z", null)]
    [InlineData("since=9999-12-31T23:59:59Z", "since")]
    [InlineData("since=9999-12-31T23:59:59Z&until=9999-12-31T23:59:59Z", "since")]
    [InlineData("since=9999-12-31T23:00:00-01:00", "since")]
    [InlineData("since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", "since")]
    [InlineData("since=2026-01-01T00:00:00+14:00&until=2026-01-01T00:00:00-12:00", null)]
    public async Task Any_time_range_is_answered_with_the_range_or_a_400_naming_the_time_never_a_5xx(string range, string? badField)
    {
        var pairs = range.Split('&').Select(p => p.Split('=', 2)).ToArray();
        var query = string.Join("&", pairs.Select(p => p[0] + "=" + Uri.EscapeDataString(p[1])));
        var body = new JsonObject { ["destination"] = "intercom", ["dry_run"] = true };
        foreach (var p in pairs) body[p[0]] = p[1];

        var listed = await fixture.AdminGetAsync("api/ops/deliveries?destination=intercom&" + query);
        var replayed = await fixture.AdminPostAsync("api/ops/replay", body.ToJsonString());

        foreach (var (route, response) in new[] { ("deliveries", listed), ("replay", replayed) })
        {
            var text = await response.Content.ReadAsStringAsync();
            var answer = JsonDocument.Parse(text).RootElement;
            if (badField is null)
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route} {range}: {(int)response.StatusCode} {text}");
                var echoed = route == "deliveries" ? answer : answer.GetProperty("request");
                Assert.True(DateTimeOffset.Parse(echoed.GetProperty("since").GetString()!) < DateTimeOffset.Parse(echoed.GetProperty("until").GetString()!), text);
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{route} {range}: {(int)response.StatusCode} {text}");
                Assert.Equal(badField, answer.GetProperty("field").GetString());
                Assert.Matches("ISO 8601|no earlier than 1601|before until", answer.GetProperty("message").GetString());
            }
        }
    }

    [Fact]
    public async Task An_unknown_destination_is_a_400_naming_the_valid_ones_on_every_admin_route_that_takes_one()
    {
        var summary = await fixture.AdminJsonAsync("api/ops/summary?hours=1");
        var valid = summary.GetProperty("destinations").EnumerateArray().Select(d => d.GetProperty("destination").GetString()!).ToList();
        Assert.Contains("intercom", valid);

        var answers = new[]
        {
            ("GET deliveries", await fixture.AdminGetAsync("api/ops/deliveries?destination=nowhere")),
            ("GET deliveries with a status", await fixture.AdminGetAsync("api/ops/deliveries?destination=Intercom&status=failed")),
            ("POST replay", await fixture.AdminPostAsync("api/ops/replay", """{"destination":"nowhere","dry_run":true}""")),
            ("POST replay of ids", await fixture.AdminPostAsync("api/ops/replay",
                """{"destination":"Intercom","event_ids":["0193a1b2-0000-7000-8000-000000000000"]}""")),
        };
        foreach (var (route, response) in answers)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{route}: {(int)response.StatusCode} {text}");
            var answer = JsonDocument.Parse(text).RootElement;
            Assert.Equal("destination", answer.GetProperty("field").GetString());
            var message = answer.GetProperty("message").GetString()!;
            Assert.Contains("unknown destination", message);
            foreach (var name in valid) Assert.Contains(name, message);
        }
    }

    [Fact]
    public async Task Unknown_event_and_replay_are_404()
    {
        var id = Guid.CreateVersion7();
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.AdminGetAsync($"api/ops/events/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.AdminGetAsync($"api/ops/replays/{id}")).StatusCode);
    }

    [Fact]
    public async Task The_ops_page_is_static_html_served_without_a_key()
    {
        var response = await Host.Client.GetAsync("api/ops");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<title>Pipeline operations</title>", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));
        Assert.DoesNotContain("https://", html);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("style-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        // Nothing inline for the policy to refuse: the script and stylesheet are files, no element carries a style or a handler.
        Assert.Contains("""<script src="?asset=ops.js" defer></script>""", html);
        Assert.Contains("""<link rel="stylesheet" href="?asset=ops.css">""", html);
        Assert.DoesNotMatch(@"<script>|<style|\sstyle=|\son[a-z]+=", html);

        foreach (var (asset, type, content) in new[] { ("ops.js", "text/javascript", "X-Api-Key"), ("ops.css", "text/css", ".badge") })
        {
            var file = await Host.Client.GetAsync("api/ops?asset=" + asset);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal(type, file.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", file.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Contains(content, await file.Content.ReadAsStringAsync());
        }
        var unknown = await Host.Client.GetAsync("api/ops?asset=../../appsettings.json");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("ops.js", JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Summary_counts_a_new_delivery_in_the_current_hour()
    {
        static int Delivered(JsonElement summary, int hour) => summary.GetProperty("destinations").EnumerateArray()
            .Single(d => d.GetProperty("destination").GetString() == "intercom").GetProperty("hours")[hour].GetProperty("delivered").GetInt32();
        var before = await fixture.AdminJsonAsync("api/ops/summary?hours=24");
        Assert.Equal(24, before.GetProperty("destinations")[0].GetProperty("hours").GetArrayLength());

        var eventId = await fixture.PushAsync(PipelineFixture.NewSiteId());
        await Eventually.TrueAsync(async () => await fixture.DeliveryStatusAsync(eventId) == "Delivered", "the event is delivered");

        var after = await fixture.AdminJsonAsync("api/ops/summary?hours=24");
        var sameHour = before.GetProperty("since").GetString() == after.GetProperty("since").GetString();
        Assert.Equal(sameHour ? Delivered(before, 23) + 1 : 1, Delivered(after, 23));
    }

    [Fact]
    public async Task Sweep_progress_reads_the_sweep_state()
    {
        Assert.Equal("never_run", (await fixture.AdminJsonAsync("api/ops/sweep")).GetProperty("status").GetString());
        var started = await Host.Client.GetAsync("api/all");
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var sweepId = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("sweepId").GetString();
        await Eventually.TrueAsync(async () =>
        {
            var sweep = await fixture.AdminJsonAsync("api/ops/sweep");
            return sweep.GetProperty("sweep_id").GetString() == sweepId && sweep.GetProperty("status").GetString() == "done"
                   && sweep.GetProperty("pages").GetInt32() >= 1;
        }, "the sweep's progress shows it done");
    }
}
