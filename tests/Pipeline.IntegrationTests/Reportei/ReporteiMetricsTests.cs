using Pipeline.Functions.Reportei;

namespace Pipeline.IntegrationTests.Reportei;

/// <summary>
/// Reportei's get-data through the local host: values computed from events ingested through the real endpoints (and,
/// for iAdvize, envelopes on the events queue), both components, dimensions, comparison periods, UTC day boundaries,
/// per-metric errors, validation, and rollups that a redelivered event does not change.
/// </summary>
public sealed class ReporteiMetricsTests(ReporteiFixture fixture) : IClassFixture<ReporteiFixture>
{
    private PipelineHost Host => fixture.Host;
    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd");
    private static string DaysAgo(int days) => DateTime.UtcNow.AddDays(-days).ToString("yyyy-MM-dd");

    private static string Metric(string id, string key, string component = "number_v1", string dimensions = "") =>
        ReporteiFixture.Metric(id, key, component, dimensions);

    private async Task<JsonElement> AnswerAsync(string json)
    {
        var (status, body) = await fixture.GetDataAsync(json);
        Assert.True(status == HttpStatusCode.OK, $"get-data answered {status}: {body}");
        return body;
    }

    /// <summary>Polls get-data until <paramref name="ready"/> holds (the Recorder rolls events up asynchronously).</summary>
    private async Task<JsonElement> AnswerWhenAsync(string json, Func<JsonElement, bool> ready, string what)
    {
        JsonElement answer = default;
        await Eventually.TrueAsync(async () => ready(answer = await AnswerAsync(json)), what, TimeSpan.FromSeconds(30));
        return answer;
    }

    private async Task<string> PostFormAsync(string path, string body)
    {
        var response = await Host.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {response.StatusCode}: {text}");
        return text;
    }

    private async Task PushAsync(string segment, string json)
    {
        var response = await Host.PostJsonAsync($"api/push/{segment}", json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task AnalyticsAsync(string path, string customer, string entityField, string eventType)
    {
        var response = await Host.PostJsonAsync($"api/v1/{path}", $$"""
            {"customer_id":"{{customer}}","user_id":"u1","recording_id":"r1","event_type":"{{eventType}}","event_id":"{{Guid.NewGuid()}}","{{entityField}}":"e1"}
            """);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Values_come_from_the_events_ingested_through_the_real_endpoints()
    {
        var site = PipelineFixture.NewSiteId();
        var customer = "customer-" + Guid.NewGuid().ToString("N")[..8];
        var website = Random.Shared.Next(100_000, 999_999).ToString();
        var integration = await fixture.RegisterAsync(site, ReporteiFixture.AppKey, customer, website);

        // GhostMonitor: running totals (the latest counts) and 5 pushes.
        await PushAsync("cart_recovered", $$"""{"site_id":"{{site}}","cart_recovered":"3"}""");
        await PushAsync("cart_recovered", $$"""{"site_id":"{{site}}","cart_recovered":"5"}""");
        await PushAsync("emails_sent", $$"""{"site_id":"{{site}}","emails_sent":"40"}""");
        await PushAsync("money_recovered", $$"""{"site_id":"{{site}}","money_recovered":"$ 1,250.50"}""");
        await PushAsync("plugin_activated", $$"""{"site_id":"{{site}}"}""");

        // Tracking: one identified visitor (two inits, two sends), one anonymous one.
        var key = ReporteiFixture.AppKey;
        var uid = JsonDocument.Parse(await PostFormAsync("api/jsapi/init", $"appkey={key}&email=ana%40example.com")).RootElement.GetProperty("uid").GetString();
        await PostFormAsync("api/jsapi/init", $"appkey={key}&email=ANA%40example.com");
        var pid = JsonDocument.Parse(await PostFormAsync("api/jsapi/init", $"appkey={key}")).RootElement.GetProperty("pid").GetString();
        await PostFormAsync("api/jsapi/send", $"appkey={key}&uid={uid}&uType=c&actionType=visit&requestType=action");
        await PostFormAsync("api/jsapi/send", $"appkey={key}&uid={pid}&uType=p&actionType=visit&requestType=action");
        await PostFormAsync("api/jsapi/send", $"appkey={key}&uid={uid}&uType=c&actionType=sale&requestType=action" +
                                              "&aditionalData[receipts][0][name]=A&aditionalData[receipts][0][value]=19.99" +
                                              "&aditionalData[receipts][1][name]=B&aditionalData[receipts][1][value]=5.01");
        await PostFormAsync("api/jsapi/send", $"appkey={key}&uid={pid}&uType=p&actionType=contact&requestType=action");

        // Analytics: two lead views, one contact view, one lead click (not a view).
        await AnalyticsAsync("lead_analytics", customer, "lead_id", "view");
        await AnalyticsAsync("lead_analytics", customer, "lead_id", "view");
        await AnalyticsAsync("contact_analytics", customer, "contact_id", "view");
        await AnalyticsAsync("lead_analytics", customer, "lead_id", "click");

        // iAdvize: the webhook's events, as envelopes.
        var now = DateTimeOffset.UtcNow;
        await fixture.EnqueueAsync(Guid.CreateVersion7(), "iadvize.conversation.closed", "iadvize:" + website, now,
            $$"""{"websiteId":{{website}},"channel":"chat","conversationId":"c1"}""");
        await fixture.EnqueueAsync(Guid.CreateVersion7(), "iadvize.conversation.closed", "iadvize:" + website, now,
            $$"""{"websiteId":"{{website}}","channel":"call","conversationId":"c2"}""");
        await fixture.EnqueueAsync(Guid.CreateVersion7(), "iadvize.satisfaction.filled", "iadvize:" + website, now,
            $$"""{"websiteId":"{{website}}","score":4,"conversationId":"c1"}""");
        await fixture.EnqueueAsync(Guid.CreateVersion7(), "iadvize.satisfaction.filled", "iadvize:" + website, now,
            $$"""{"websiteId":"{{website}}","score":5,"conversationId":"c2"}""");

        var keys = new[]
        {
            "ghostmonitor:carts_recovered", "ghostmonitor:emails_sent", "ghostmonitor:money_recovered", "ghostmonitor:pushes",
            "footprints:visits", "footprints:sales", "footprints:contacts", "footprints:feedback", "footprints:sales_value",
            "footprints:identified_visitors", "analytics:lead_views", "analytics:contact_views", "iadvize:conversations_closed",
            "iadvize:satisfaction_average",
        };
        var request = ReporteiFixture.Request(integration, DaysAgo(1), Today,
            string.Join(",", keys.Select((k, i) => Metric($"m{i}", k)).Append(Metric("bad", "ig:story_replies"))));
        var expected = new Dictionary<string, string>
        {
            ["m0"] = "5", ["m1"] = "40", ["m2"] = "1250.5", ["m3"] = "5",
            ["m4"] = "2", ["m5"] = "1", ["m6"] = "1", ["m7"] = "0", ["m8"] = "25", ["m9"] = "1",
            ["m10"] = "2", ["m11"] = "1", ["m12"] = "2", ["m13"] = "4.5",
        };
        var answer = await AnswerWhenAsync(request,
            a => expected.All(e => a.GetProperty(e.Key).GetProperty("values").GetRawText() == e.Value),
            "every metric shows the ingested events");

        Assert.Equal(keys.Length + 1, answer.EnumerateObject().Count());
        Assert.Contains("unknown reference_key 'ig:story_replies'", answer.GetProperty("bad").GetProperty("error").GetString());
        Assert.False(answer.GetProperty("m0").TryGetProperty("comparison", out _));

        // Dimensions: conversations by channel, actions by action type; a dimension a key does not have is that metric's error.
        var breakdown = await AnswerAsync(ReporteiFixture.Request(integration, Today, Today, string.Join(",",
            Metric("ch", "iadvize:conversations_closed", dimensions: "\"channel\""),
            Metric("at", "footprints:visits", dimensions: "\"action_type\""),
            Metric("no", "footprints:sales_value", dimensions: "\"channel\""),
            Metric("comp", "footprints:visits", component: "pie_v9"))));
        Assert.Equal("""{"call":1,"chat":1}""", breakdown.GetProperty("ch").GetProperty("values").GetRawText());
        Assert.Equal("""{"visit":2}""", breakdown.GetProperty("at").GetProperty("values").GetRawText());
        Assert.True(breakdown.GetProperty("no").TryGetProperty("error", out _));
        Assert.Contains("unsupported component 'pie_v9'", breakdown.GetProperty("comp").GetProperty("error").GetString());

        // Time series: one entry per day, zero-filled.
        var series = await AnswerAsync(ReporteiFixture.Request(integration, DaysAgo(2), Today,
            Metric("v", "footprints:visits", "timeseries_v1") + "," + Metric("c", "ghostmonitor:carts_recovered", "timeseries_v1")));
        Assert.Equal($$"""[{"date":"{{DaysAgo(2)}}","value":0},{"date":"{{DaysAgo(1)}}","value":0},{"date":"{{Today}}","value":2}]""",
            series.GetProperty("v").GetProperty("values").GetRawText());
        Assert.Equal($$"""[{"date":"{{DaysAgo(2)}}","value":null},{"date":"{{DaysAgo(1)}}","value":null},{"date":"{{Today}}","value":5}]""",
            series.GetProperty("c").GetProperty("values").GetRawText());
    }

    [Fact]
    public async Task Days_are_UTC_days_and_a_comparison_period_is_answered_beside_the_period()
    {
        var site = PipelineFixture.NewSiteId();
        var website = "w-" + Guid.NewGuid().ToString("N")[..8];
        var integration = await fixture.RegisterAsync(siteId: site, websiteId: website);
        var subject = "iadvize:" + website;
        async Task Closed(string at) => await fixture.EnqueueAsync(Guid.CreateVersion7(), "iadvize.conversation.closed", subject,
            DateTimeOffset.Parse(at), $$"""{"websiteId":"{{website}}","channel":"chat"}""");
        async Task Carts(string at, int total) => await fixture.EnqueueAsync(Guid.CreateVersion7(), "push.cart_recovered", "site:" + site,
            DateTimeOffset.Parse(at), $$"""{"site_id":"{{site}}","cart_recovered":{{total}}}""");

        await Closed("2024-03-01T23:59:59.999Z");
        await Closed("2024-03-02T00:00:00Z");
        await Closed("2024-03-02T01:30:00+02:00"); // 2024-03-01T23:30Z
        await Closed("2024-02-10T12:00:00Z");
        await Carts("2024-02-10T08:00:00Z", 7);
        await Carts("2024-03-02T08:00:00Z", 9);
        await Carts("2024-03-02T07:00:00Z", 8); // reported earlier that day: not the day's latest

        var request = ReporteiFixture.Request(integration, "2024-03-01", "2024-03-03T10:00:00Z",
            string.Join(",",
                Metric("n", "iadvize:conversations_closed"),
                Metric("t", "iadvize:conversations_closed", "timeseries_v1"),
                Metric("c", "ghostmonitor:carts_recovered"),
                Metric("ct", "ghostmonitor:carts_recovered", "timeseries_v1")),
            extra: ""","comparison_start":"2024-02-01","comparison_end":"2024-02-29" """);
        var answer = await AnswerWhenAsync(request, a => a.GetProperty("n").GetProperty("values").GetInt32() == 3
                                                        && a.GetProperty("n").GetProperty("comparison").GetInt32() == 1
                                                        && a.GetProperty("c").GetProperty("values").GetRawText() == "9"
                                                        && a.GetProperty("c").GetProperty("comparison").GetRawText() == "7",
            "the events are rolled up");

        Assert.Equal("""[{"date":"2024-03-01","value":2},{"date":"2024-03-02","value":1},{"date":"2024-03-03","value":0}]""",
            answer.GetProperty("t").GetProperty("values").GetRawText());
        Assert.Equal(29, answer.GetProperty("t").GetProperty("comparison").GetArrayLength());
        Assert.Equal(1, answer.GetProperty("t").GetProperty("comparison")[9].GetProperty("value").GetInt32()); // 2024-02-10
        // A running total stands from its report until the next: 7 carried into March, 9 from March 2.
        Assert.Equal("""[{"date":"2024-03-01","value":7},{"date":"2024-03-02","value":9},{"date":"2024-03-03","value":9}]""",
            answer.GetProperty("ct").GetProperty("values").GetRawText());
        Assert.Equal("7", answer.GetProperty("c").GetProperty("comparison").GetRawText());

        var before = await AnswerAsync(ReporteiFixture.Request(integration, "2024-01-01", "2024-01-31", Metric("c", "ghostmonitor:carts_recovered")));
        Assert.Equal(JsonValueKind.Null, before.GetProperty("c").GetProperty("values").ValueKind);
    }

    [Fact]
    public async Task A_redelivered_event_does_not_change_the_rollups()
    {
        var website = "w-" + Guid.NewGuid().ToString("N")[..8];
        var integration = await fixture.RegisterAsync(websiteId: website);
        var at = DateTimeOffset.Parse("2024-05-05T10:00:00Z");
        var id = Guid.CreateVersion7(at);
        var data = $$"""{"websiteId":"{{website}}","channel":"chat"}""";
        var request = ReporteiFixture.Request(integration, "2024-05-05", "2024-05-05", Metric("n", "iadvize:conversations_closed"));

        await fixture.EnqueueAsync(id, "iadvize.conversation.closed", "iadvize:" + website, at, data);
        await AnswerWhenAsync(request, a => a.GetProperty("n").GetProperty("values").GetInt32() == 1, "the event is counted");

        // The same message again, as a queue redelivers it; then wait until the Recorder has taken it off the queue.
        await fixture.EnqueueAsync(id, "iadvize.conversation.closed", "iadvize:" + website, at, data);
        await Eventually.TrueAsync(async () => (await Host.Queue("events").GetPropertiesAsync()).Value.ApproximateMessagesCount == 0,
            "the redelivered message is processed");
        Assert.Equal(1, (await AnswerAsync(request)).GetProperty("n").GetProperty("values").GetInt32());

        // The projection itself says so, and concurrent distinct events on one day's row all count.
        var rollups = Host.Services.GetRequiredService<MetricsRollups>();
        var envelope = new Pipeline.Functions.Envelope.EventEnvelope(id, "iadvize.conversation.closed", "test", "iadvize:" + website, at,
            JsonDocument.Parse(data).RootElement);
        Assert.False(await rollups.ApplyAsync(id, MetricsRollupProjection.ContributionOf(envelope)!, CancellationToken.None));
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => fixture.EnqueueAsync(Guid.CreateVersion7(), "iadvize.conversation.closed",
            "iadvize:" + website, at, data)));
        await AnswerWhenAsync(request, a => a.GetProperty("n").GetProperty("values").GetInt32() == 21, "twenty concurrent events all count");
        var markers = await Host.Table(Pipeline.Functions.Reportei.MetricsRollups.TableName)
            .QueryAsync<TableEntity>(e => e.PartitionKey == "iadvize|" + website).ToListAsync();
        Assert.Equal(21, markers.Count(m => m.RowKey.StartsWith("e|")));
    }

    [Fact]
    public async Task Only_a_configured_bearer_token_is_let_in()
    {
        var body = ReporteiFixture.Request(Guid.NewGuid(), Today, Today, Metric("a", "ghostmonitor:pushes"));
        foreach (var token in new[] { null, "wrong", ReporteiFixture.Token + "x" })
        {
            var (status, answer) = await fixture.GetDataAsync(body, token);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal("unauthorized", answer.GetProperty("error").GetString());
        }
        var (other, _) = await fixture.GetDataAsync(body, "an-older-token");
        Assert.Equal(HttpStatusCode.NotFound, other); // let in; the integration is unknown
    }

    [Fact]
    public async Task Bad_requests_are_named_field_by_field()
    {
        var integration = await fixture.RegisterAsync(siteId: "s");
        var (malformed, _) = await fixture.GetDataAsync("{\"start\":");
        Assert.Equal(HttpStatusCode.BadRequest, malformed);

        var (status, body) = await fixture.GetDataAsync($$"""
            {"customer_integration":"{{integration}}","start":"2024-02-01","end":"2024-01-01","comparison_start":"2024-01-01",
             "metrics":[{"id":"a","reference_key":"ghostmonitor:pushes","component":"number_v1"},
                        {"id":"a","reference_key":"ghostmonitor:pushes","component":"number_v1"},
                        {"id":"c","reference_key":"ghostmonitor:pushes"},
                        {"id":"d","reference_key":"ghostmonitor:pushes","component":"number_v1","dimensions":"x"}]}
            """);
        Assert.Equal((HttpStatusCode)422, status);
        var errors = body.GetProperty("errors");
        Assert.Contains("before the start", errors.GetProperty("end").GetString());
        Assert.True(errors.TryGetProperty("comparison_end", out _));
        Assert.True(errors.TryGetProperty("metrics[1].id", out _));
        Assert.Equal("is required", errors.GetProperty("metrics[2].component").GetString());
        Assert.True(errors.TryGetProperty("metrics[3].dimensions", out _));
        Assert.True(body.TryGetProperty("message", out _));

        var (empty, emptyBody) = await fixture.GetDataAsync("");
        Assert.Equal((HttpStatusCode)422, empty);
        Assert.True(emptyBody.GetProperty("errors").TryGetProperty("customer_integration", out _));

        var (tooMany, tooManyBody) = await fixture.GetDataAsync(ReporteiFixture.Request(integration, "2024-01-01", "20240102",
            string.Join(",", Enumerable.Range(0, 51).Select(i => Metric($"m{i}", "ghostmonitor:pushes")))));
        Assert.Equal((HttpStatusCode)422, tooMany);
        Assert.True(tooManyBody.GetProperty("errors").TryGetProperty("metrics", out _));
        Assert.True(tooManyBody.GetProperty("errors").TryGetProperty("end", out _));

        var (unknown, _) = await fixture.GetDataAsync(ReporteiFixture.Request(Guid.NewGuid(), Today, Today, Metric("a", "ghostmonitor:pushes")));
        Assert.Equal(HttpStatusCode.NotFound, unknown);

        var (notRegistered, answer) = await fixture.GetDataAsync(ReporteiFixture.Request(integration, Today, Today, Metric("a", "footprints:visits")));
        Assert.Equal(HttpStatusCode.OK, notRegistered);
        Assert.Contains("no tracking_app_key", answer.GetProperty("a").GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_property_named_twice_is_a_400_naming_it_where_the_last_value_was_taken_before()
    {
        var integration = await fixture.RegisterAsync(siteId: "s");
        var metric = Metric("a", "ghostmonitor:pushes");
        var (answered, _) = await fixture.GetDataAsync(ReporteiFixture.Request(integration, Today, Today, metric));
        Assert.Equal(HttpStatusCode.OK, answered);

        var (twiceAtTop, topBody) = await fixture.GetDataAsync(
            ReporteiFixture.Request(integration, "2024-02-30", Today, metric, extra: $",\"start\":\"{Today}\""));
        Assert.Equal(HttpStatusCode.BadRequest, twiceAtTop);
        Assert.Contains("'start'", topBody.GetProperty("message").GetString());

        var (twiceInAMetric, metricBody) = await fixture.GetDataAsync(
            ReporteiFixture.Request(integration, Today, Today, metric.Replace("\"id\":\"a\"", "\"id\":\"a\",\"id\":\"b\"")));
        Assert.Equal(HttpStatusCode.BadRequest, twiceInAMetric);
        Assert.Contains("'id'", metricBody.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Integrations_are_registered_read_and_removed_with_the_admin_key()
    {
        var id = Guid.NewGuid();
        HttpRequestMessage Call(HttpMethod method, string path, string? body = null, string? key = ReporteiFixture.AdminKey)
        {
            var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            if (key is not null) request.Headers.Add("X-Api-Key", key);
            return request;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.SendAsync(Call(HttpMethod.Put, $"api/metrics/integrations/{id}", """{"site_id":"s"}""", key: "nope"))).Status);
        Assert.Equal((HttpStatusCode)422, (await fixture.SendAsync(Call(HttpMethod.Put, "api/metrics/integrations/not-a-uuid", """{"site_id":"s"}"""))).Status);
        var (empty, emptyBody) = await fixture.SendAsync(Call(HttpMethod.Put, $"api/metrics/integrations/{id}", ""));
        Assert.Equal((HttpStatusCode)422, empty);
        Assert.True(emptyBody.GetProperty("errors").TryGetProperty("body", out _));
        Assert.Equal((HttpStatusCode)422, (await fixture.SendAsync(Call(HttpMethod.Put, $"api/metrics/integrations/{id}", "{}"))).Status);
        Assert.Equal((HttpStatusCode)422, (await fixture.SendAsync(Call(HttpMethod.Put, $"api/metrics/integrations/{id}", """{"site":"s"}"""))).Status);

        var (put, stored) = await fixture.SendAsync(Call(HttpMethod.Put, $"api/metrics/integrations/{id}",
            """{"site_id":"site-1","iadvize_website_id":1234}"""));
        Assert.Equal(HttpStatusCode.OK, put);
        var (got, read) = await fixture.SendAsync(Call(HttpMethod.Get, $"api/metrics/integrations/{id.ToString().ToUpperInvariant()}"));
        Assert.Equal(HttpStatusCode.OK, got);
        Assert.Equal(stored.GetRawText(), read.GetRawText());
        Assert.Equal("1234", read.GetProperty("iadvize_website_id").GetString());
        Assert.Equal(JsonValueKind.Null, read.GetProperty("tracking_app_key").ValueKind);

        Assert.Equal(HttpStatusCode.NoContent, (await fixture.SendAsync(Call(HttpMethod.Delete, $"api/metrics/integrations/{id}"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(Call(HttpMethod.Get, $"api/metrics/integrations/{id}"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(Call(HttpMethod.Delete, $"api/metrics/integrations/{id}"))).Status);
    }
}
