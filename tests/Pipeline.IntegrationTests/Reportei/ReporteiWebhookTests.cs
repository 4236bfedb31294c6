using System.Security.Cryptography;

namespace Pipeline.IntegrationTests.Reportei;

/// <summary>
/// get-data-async through the local host: the callback is the get-data payload, signed as Standard Webhooks v1 (checked
/// here by an implementation of the test's own), retried on the schedule by the timer with one webhook-id, stopped by a
/// 410, and refused for addresses the SSRF guard does not allow. Every receiver is on 127.0.0.1.
/// </summary>
public sealed class ReporteiWebhookTests(ReporteiFixture fixture) : IClassFixture<ReporteiFixture>
{
    private WebhookReceiverStandIn Receiver => fixture.Receiver;
    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd");

    private async Task<(Guid Integration, string Request)> IntegrationAsync()
    {
        var website = "w-" + Guid.NewGuid().ToString("N")[..8];
        var integration = await fixture.RegisterAsync(websiteId: website);
        await fixture.EnqueueAsync(Guid.CreateVersion7(), "iadvize.conversation.closed", "iadvize:" + website, DateTimeOffset.UtcNow,
            $$"""{"websiteId":"{{website}}","channel":"chat"}""");
        var request = ReporteiFixture.Request(integration, Today, Today,
            ReporteiFixture.Metric("n", "iadvize:conversations_closed") + "," +
            ReporteiFixture.Metric("t", "iadvize:conversations_closed", "timeseries_v1") + "," +
            ReporteiFixture.Metric("x", "nope:nothing"));
        await Eventually.TrueAsync(async () => (await fixture.GetDataAsync(request)).Body.GetProperty("n").GetProperty("values").GetInt32() == 1,
            "the event is rolled up");
        return (integration, request);
    }

    private static string WithUrl(string request, string url) => request.TrimEnd('}') + $$""","metrics_webhook_url":"{{url}}"}""";

    private async Task<Guid> AcceptAsync(string request)
    {
        var (status, body) = await fixture.SendAsync(fixture.Post("api/metrics/get-data-async", request));
        Assert.True(status == HttpStatusCode.OK, $"get-data-async answered {status}: {body}");
        Assert.Equal("accepted", body.GetProperty("status").GetString());
        return Guid.Parse(body.GetProperty("job_id").GetString()!);
    }

    private async Task<JsonElement> JobAsync(Guid jobId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"api/metrics/jobs/{jobId}");
        request.Headers.Authorization = new("Bearer", ReporteiFixture.Token);
        var (status, body) = await fixture.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    private async Task<JsonElement> JobWhenAsync(Guid jobId, string status)
    {
        JsonElement job = default;
        await Eventually.TrueAsync(async () => (job = await JobAsync(jobId)).GetProperty("status").GetString() == status,
            $"job {jobId} is {status}", TimeSpan.FromSeconds(30));
        return job;
    }

    /// <summary>Standard Webhooks v1, written from the spec: base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).</summary>
    private static bool SignatureHolds(IReadOnlyDictionary<string, string> headers, string body)
    {
        var id = headers["webhook-id"];
        var timestamp = headers["webhook-timestamp"];
        using var hmac = new HMACSHA256(ReporteiFixture.WebhookKey);
        var expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(id + "." + timestamp + "." + body)));
        return headers["webhook-signature"].Split(' ').Any(s => s == "v1," + expected);
    }

    [Fact]
    public async Task The_callback_is_the_get_data_payload_signed_as_Standard_Webhooks()
    {
        var (_, request) = await IntegrationAsync();
        const string path = "/hooks/signed";
        Receiver.Answer(path, 204);
        var jobId = await AcceptAsync(WithUrl(request, Receiver.UrlOf(path)));

        var job = await JobWhenAsync(jobId, "delivered");
        var call = Assert.Single(Receiver.CallsTo(path));
        Assert.Equal(jobId.ToString(), call.Headers["webhook-id"]);
        Assert.InRange(long.Parse(call.Headers["webhook-timestamp"]), DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeSeconds(),
            DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(SignatureHolds(call.Headers, call.Body), "the signature verifies with the shared secret");
        Assert.StartsWith("application/json", call.Headers["content-type"]);
        // What get-data answers, metric by metric: the one conversation closed today, the same as a one-day
        // series, and the unknown metric's own error; nothing else.
        var callback = JsonDocument.Parse(call.Body).RootElement;
        Assert.Equal(["n", "t", "x"], callback.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(1, callback.GetProperty("n").GetProperty("values").GetInt32());
        Assert.Equal($$"""[{"date":"{{Today}}","value":1}]""", callback.GetProperty("t").GetProperty("values").GetRawText());
        Assert.Contains("unknown reference_key 'nope:nothing'", callback.GetProperty("x").GetProperty("error").GetString());

        var attempt = Assert.Single(job.GetProperty("attempts").EnumerateArray());
        Assert.Equal(204, attempt.GetProperty("status_code").GetInt32());
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("error").ValueKind);
        // How long it took is real time here; ReporteiWebhookDestinationTests checks it on a fake clock.
        Assert.Equal(1, attempt.GetProperty("attempt").GetInt32());
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("response_excerpt").ValueKind); // a 204 has no body
    }

    [Fact]
    public async Task A_receiver_that_fails_twice_gets_three_attempts_with_one_webhook_id()
    {
        var (_, request) = await IntegrationAsync();
        const string path = "/hooks/flaky";
        Receiver.AnswerInTurn(path, 500, 404, 200);
        var jobId = await AcceptAsync(WithUrl(request, Receiver.UrlOf(path)));

        var job = await JobWhenAsync(jobId, "delivered");
        var calls = Receiver.CallsTo(path);
        Assert.Equal(3, calls.Count);
        Assert.All(calls, c => Assert.Equal(jobId.ToString(), c.Headers["webhook-id"]));
        Assert.All(calls, c => Assert.True(SignatureHolds(c.Headers, c.Body)));
        var attempts = job.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([500, 404, 200], attempts.Select(a => a.GetProperty("status_code").GetInt32()));
        Assert.Equal("HTTP 500", attempts[0].GetProperty("error").GetString());
        Assert.Equal("answer 1: 500", attempts[0].GetProperty("response_excerpt").GetString());
        // Retried on the schedule (1 s, then 1 s): never before the delay.
        var times = attempts.Select(a => DateTimeOffset.Parse(a.GetProperty("at").GetString()!)).ToList();
        Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(1) && times[2] - times[1] >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_receiver_that_never_succeeds_fails_the_job_after_the_last_retry()
    {
        var (_, request) = await IntegrationAsync();
        const string path = "/hooks/broken";
        Receiver.Answer(path, 503);
        var jobId = await AcceptAsync(WithUrl(request, Receiver.UrlOf(path)));

        var job = await JobWhenAsync(jobId, "failed");
        Assert.Equal(3, job.GetProperty("attempts").GetArrayLength());
        Assert.Equal(3, Receiver.CallsTo(path).Count);
        // The job and its delivery record agree: failed, one attempt per call; no listing shows it retrying.
        var delivery = (await fixture.Host.Table(Pipeline.Functions.Storage.TableNames.Deliveries)
            .GetEntityAsync<Azure.Data.Tables.TableEntity>(jobId.ToString(), "reportei-webhook")).Value;
        Assert.Equal("Failed", delivery.GetString("Status"));
        Assert.Equal(3, delivery.GetInt32("Attempts"));
        Assert.StartsWith("gave up after 3 attempts", delivery.GetString("Error"));
        var retrying = new HttpRequestMessage(HttpMethod.Get, "api/ops/deliveries?destination=reportei-webhook&status=retrying");
        retrying.Headers.Add("X-Api-Key", ReporteiFixture.AdminKey);
        var (listed, body) = await fixture.SendAsync(retrying);
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.DoesNotContain(jobId.ToString(), body.ToString());
    }

    [Fact]
    public async Task A_410_stops_the_job_for_good()
    {
        var (_, request) = await IntegrationAsync();
        const string path = "/hooks/gone";
        Receiver.Answer(path, 410, "no such subscription");
        var jobId = await AcceptAsync(WithUrl(request, Receiver.UrlOf(path)));

        var job = await JobWhenAsync(jobId, "gone");
        var attempt = Assert.Single(job.GetProperty("attempts").EnumerateArray());
        Assert.Equal(410, attempt.GetProperty("status_code").GetInt32());
        Assert.Equal("no such subscription", attempt.GetProperty("response_excerpt").GetString());
        Assert.False(job.TryGetProperty("next_attempt_at", out _));
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_in_time_is_retried()
    {
        var (_, request) = await IntegrationAsync();
        const string path = "/hooks/slow";
        Receiver.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(path).UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(5)));
        var jobId = await AcceptAsync(WithUrl(request, Receiver.UrlOf(path)));

        var job = await JobWhenAsync(jobId, "retrying");
        var attempt = job.GetProperty("attempts")[0];
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("status_code").ValueKind);
        Assert.Contains("no answer within 3 s", attempt.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("http://localhost:{port}/hooks/x")] // loopback by name, not on the allow list
    [InlineData("http://127.0.0.2:{port}/hooks/x")] // loopback, not on the allow list
    [InlineData("http://[::1]:{port}/hooks/x")]
    [InlineData("ftp://127.0.0.1:{port}/hooks/x")]
    [InlineData("/hooks/x")]
    public async Task Callback_urls_the_guard_does_not_allow_are_refused_when_the_job_is_accepted(string url)
    {
        var (_, request) = await IntegrationAsync();
        var (status, body) = await fixture.SendAsync(fixture.Post("api/metrics/get-data-async",
            WithUrl(request, url.Replace("{port}", Receiver.Server.Port.ToString()))));
        Assert.Equal((HttpStatusCode)422, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("metrics_webhook_url", out var problem), body.ToString());
        Assert.False(string.IsNullOrEmpty(problem.GetString()));
        Assert.Empty(Receiver.CallsTo("/hooks/x"));
    }

    [Fact]
    public async Task Async_requests_are_checked_as_get_data_requests_are()
    {
        var (status, _) = await fixture.SendAsync(fixture.Post("api/metrics/get-data-async", "{}", token: null));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var (invalid, body) = await fixture.SendAsync(fixture.Post("api/metrics/get-data-async", """{"start":"2024-01-01"}"""));
        Assert.Equal((HttpStatusCode)422, invalid);
        Assert.True(body.GetProperty("errors").TryGetProperty("metrics_webhook_url", out _));
        Assert.True(body.GetProperty("errors").TryGetProperty("end", out _));
        var (unknown, _) = await fixture.SendAsync(fixture.Post("api/metrics/get-data-async",
            WithUrl(ReporteiFixture.Request(Guid.NewGuid(), Today, Today, ReporteiFixture.Metric("a", "ghostmonitor:pushes")), Receiver.UrlOf("/hooks/u"))));
        Assert.Equal(HttpStatusCode.NotFound, unknown);

        var job = new HttpRequestMessage(HttpMethod.Get, $"api/metrics/jobs/{Guid.CreateVersion7()}");
        job.Headers.Authorization = new("Bearer", ReporteiFixture.Token);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(job)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"api/metrics/jobs/{Guid.CreateVersion7()}"))).Status);
    }

    [Fact]
    public async Task The_admin_listing_shows_the_newest_jobs_first()
    {
        var (_, request) = await IntegrationAsync();
        Receiver.Answer("/hooks/listed", 200);
        var first = await AcceptAsync(WithUrl(request, Receiver.UrlOf("/hooks/listed")));
        var second = await AcceptAsync(WithUrl(request, Receiver.UrlOf("/hooks/listed")));
        await JobWhenAsync(second, "delivered");

        var list = new HttpRequestMessage(HttpMethod.Get, "api/admin/metrics-jobs?limit=2");
        list.Headers.Add("X-Api-Key", ReporteiFixture.AdminKey);
        var (status, body) = await fixture.SendAsync(list);
        Assert.Equal(HttpStatusCode.OK, status);
        var jobs = body.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal(2, jobs.Count);
        Assert.Equal([second.ToString(), first.ToString()], jobs.Select(j => j.GetProperty("job_id").GetString()));
        Assert.True(jobs[0].TryGetProperty("created_at", out _));
        Assert.True(jobs[0].TryGetProperty("attempts", out _));

        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/admin/metrics-jobs"))).Status);
        var bad = new HttpRequestMessage(HttpMethod.Get, "api/admin/metrics-jobs?limit=0");
        bad.Headers.Add("X-Api-Key", ReporteiFixture.AdminKey);
        Assert.Equal((HttpStatusCode)422, (await fixture.SendAsync(bad)).Status);
    }
}
