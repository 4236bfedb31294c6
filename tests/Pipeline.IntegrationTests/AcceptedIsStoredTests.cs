using Azure.Storage.Blobs;
using Pipeline.Functions.Intercom;

namespace Pipeline.IntegrationTests;

public sealed class AcceptedIsStoredFixture : PipelineFixture
{
    public const string AppKey = "hardening-app-key";

    protected override void Configure(Dictionary<string, string?> settings) => settings["Tracking:AppKeys:0"] = AppKey;
}

/// <summary>
/// Whatever the API accepts, the pipeline stores, indexes and forwards: ids whose keys would pass Table Storage's
/// 1 KiB limit, text over a property's 32K-character limit, bodies whose escaped envelope would outgrow a queue
/// message, and nesting the readers downstream would refuse. Each case is either a 2xx that ends recorded (and
/// searchable or forwarded) with no poisoned message, or a 4xx naming the field.
/// </summary>
public sealed class AcceptedIsStoredTests(AcceptedIsStoredFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
    : IClassFixture<AcceptedIsStoredFixture>
{
    private readonly PipelineHost _host = fixture.Host;

    [Theory]
    [InlineData('/', 110)]
    [InlineData('/', 255)]
    [InlineData('#', 200)]
    public async Task A_push_for_a_site_id_too_long_for_a_plain_key_is_recorded_and_forwarded(char filler, int length)
    {
        var siteId = Guid.NewGuid().ToString("N")[..8] + new string(filler, length - 8);

        var response = await _host.PostJsonAsync("api/push/cart_recovered",
            JsonSerializer.Serialize(new Dictionary<string, string> { ["site_id"] = siteId, ["cart_recovered"] = "3" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.TrueAsync(() => fixture.Intercom.CompanyCalls(siteId).Count >= 1, "the push reaches Intercom");
        var recorded = Assert.Single(await EventsAbout("site:" + siteId));
        Assert.Equal(3, JsonDocument.Parse(recorded.GetString("Data")).RootElement.GetProperty("cart_recovered").GetInt32());
        await Eventually.TrueAsync(async () => (await RowsWhere(IntercomCompanies.TableName, IntercomCompanies.Columns.SiteId, siteId)).Count == 1,
            "the site's row is kept");
        await AssertNoPoisonAsync();
    }

    [Theory]
    [InlineData('/')]
    [InlineData('|')]
    public async Task Analytics_ids_of_256_escaped_characters_are_recorded_and_searchable(char filler)
    {
        var customer = Guid.NewGuid().ToString("N")[..8] + new string(filler, 248);
        var (user, lead, recording) = (new string(filler, 256), new string(filler, 255) + "L", new string(filler, 255) + "R");

        var created = await CreateLeadEventAsync(customer, user, lead, recording, "hello");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var found = await SearchUntilFoundAsync(customer, user, lead, recording);
        Assert.Equal(recording, found.GetProperty("recording_id").GetString());
        Assert.Equal(customer, found.GetProperty("customer_id").GetString());
        Assert.Single(await EventsAbout("customer:" + customer));
        await AssertNoPoisonAsync();
    }

    public static TheoryData<string, string> LongMessages() => new()
    {
        { "40,000 ASCII characters (over a string property's limit)", new string('m', 40_000) },
        { "33 KB of non-ASCII text (over a queue message once \\u-escaped)", new string('é', 16_500) },
        { "60 KB of emoji (claim-checked to Blob Storage)", string.Concat(Enumerable.Repeat("😀", 15_000)) },
    };

    [Theory]
    [MemberData(nameof(LongMessages))]
    public async Task A_long_message_under_the_body_limit_is_recorded_and_searchable_as_sent(string what, string message)
    {
        var customer = "c-" + Guid.NewGuid().ToString("N")[..8];

        var created = await CreateLeadEventAsync(customer, "U", "L", "R", message);

        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{what}: {(int)created.StatusCode}");
        var found = await SearchUntilFoundAsync(customer, "U", "L", "R");
        Assert.Equal(message, found.GetProperty("message").GetString());
        var recorded = Assert.Single(await EventsAbout("customer:" + customer));
        // Split across Data, Data1, ... when longer than a string property may be.
        var data = string.Concat(Enumerable.Range(0, 30).Select(i => recorded.GetString(i == 0 ? "Data" : $"Data{i}")).TakeWhile(d => d is not null));
        Assert.Equal(message, JsonDocument.Parse(data).RootElement.GetProperty("stored").GetProperty("message").GetString());
        await AssertNoPoisonAsync();
    }

    [Fact]
    public async Task An_event_too_large_for_a_queue_message_travels_as_a_blob()
    {
        var customer = "c-" + Guid.NewGuid().ToString("N")[..8];
        var container = new BlobServiceClient(fixture.Azurite.ConnectionString).GetBlobContainerClient(MessageClaimCheck.ContainerName);

        var created = await CreateLeadEventAsync(customer, "U", "L", "R", string.Concat(Enumerable.Repeat("😀", 15_000)));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await SearchUntilFoundAsync(customer, "U", "L", "R");
        var held = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
            held.Add((await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
        // Claim-checked on each hop: to the Recorder, and from it to the topic (re-sent from the Recorder's span).
        var envelopes = held.Where(text => text.Contains(customer)).Select(text => JsonDocument.Parse(text).RootElement).ToList();
        Assert.Equal(2, envelopes.Count);
        Assert.Single(envelopes.Select(e => e.GetProperty("id").GetString()).Distinct());
        Assert.All(envelopes, envelope =>
        {
            Assert.Equal("analytics.lead", envelope.GetProperty("type").GetString());
            Assert.True(Encoding.UTF8.GetByteCount(envelope.GetRawText()) > MessageClaimCheck.MaxInlineBytes);
        });
    }

    [Fact]
    public async Task Version_info_nested_as_deep_as_a_body_may_is_recorded_and_deeper_is_a_422_naming_it()
    {
        var customer = "c-" + Guid.NewGuid().ToString("N")[..8];
        // The body object is level 1, so version_info may use the other 31.
        var deepest = Nested(31);

        var accepted = await _host.PostJsonAsync("api/v1/lead_analytics", LeadBody(customer, "U", "L", "R", "m", deepest));
        var refused = await _host.PostJsonAsync("api/v1/lead_analytics", LeadBody(customer, "U", "L", "R", "m", Nested(62)));

        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        await SearchUntilFoundAsync(customer, "U", "L", "R");
        var recorded = Assert.Single(await EventsAbout("customer:" + customer));
        var kept = JsonDocument.Parse(recorded.GetString("Data")).RootElement.GetProperty("stored").GetProperty("version_info");
        Assert.Equal(deepest, kept.GetRawText());
        Assert.Equal((HttpStatusCode)422, refused.StatusCode);
        var errors = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains("deeper", errors.GetProperty("version_info").GetString());
        await AssertNoPoisonAsync();
    }

    [Fact]
    public async Task A_tracking_body_nested_too_deep_is_a_422_naming_the_field()
    {
        var body = $$$"""{"appkey":"{{{AcceptedIsStoredFixture.AppKey}}}","uid":"x","actionType":"visit","aditionalData":{"deep":{{{Nested(40)}}}}}""";

        var response = await _host.PostJsonAsync("api/jsapi/send", body);

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("aditionalData", out _), errors.ToString());
    }

    [Fact]
    public async Task A_search_names_at_most_100_recordings_and_finds_events_among_them()
    {
        var customer = "c-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var recording in new[] { "rec-3", "rec-50", "rec-99" })
            Assert.Equal(HttpStatusCode.Created, (await CreateLeadEventAsync(customer, "U", "L", recording, recording)).StatusCode);
        string Query(int count) => string.Join('&', Enumerable.Range(0, count).Select(i => $"recording_id=rec-{i}"))
                                   + $"&customer_id={customer}&user_id=U&lead_id=L";

        var tooMany = await _host.Client.GetAsync("api/v1/lead_analytics/search?" + Query(101));
        JsonElement found = default;
        await Eventually.TrueAsync(async () =>
        {
            var response = await _host.Client.GetAsync("api/v1/lead_analytics/search?" + Query(100));
            found = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return response.StatusCode == HttpStatusCode.OK && found.GetProperty("meta").GetProperty("rowCount").GetInt32() == 3;
        }, "the three events are found by one search of 100 recordings");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.GetAsync("api/v1/lead_analytics/search?" + Query(100))).StatusCode);
        output.WriteLine($"a search of 100 recordings took {clock.ElapsedMilliseconds} ms");
        Assert.Equal((HttpStatusCode)422, tooMany.StatusCode);
        var errors = JsonDocument.Parse(await tooMany.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains("at most 100", errors.GetProperty("recording_id").GetString());
        Assert.Equal(["rec-99", "rec-50", "rec-3"],
            found.GetProperty("recordings").EnumerateArray().Select(r => r.GetProperty("recording_id").GetString()));
    }

    private static string Nested(int depth) =>
        string.Concat(Enumerable.Repeat("{\"k\":", depth - 1)) + "{}" + new string('}', depth - 1);

    private static string LeadBody(string customer, string user, string lead, string recording, string message, string versionInfo = "{}") =>
        $$"""
        {"customer_id":{{Quote(customer)}},"user_id":{{Quote(user)}},"lead_id":{{Quote(lead)}},"recording_id":{{Quote(recording)}},
         "event_type":"view","event_id":"e1","message":{{Quote(message)}},"version_info":{{versionInfo}}}
        """;

    /// <summary>A JSON string with the text as it is (UTF-8), as a client sends it: no \u escapes.</summary>
    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private Task<HttpResponseMessage> CreateLeadEventAsync(string customer, string user, string lead, string recording, string message) =>
        _host.PostJsonAsync("api/v1/lead_analytics", LeadBody(customer, user, lead, recording, message));

    private async Task<JsonElement> SearchUntilFoundAsync(string customer, string user, string lead, string recording)
    {
        var query = $"recording_id={Uri.EscapeDataString(recording)}&customer_id={Uri.EscapeDataString(customer)}" +
                    $"&user_id={Uri.EscapeDataString(user)}&lead_id={Uri.EscapeDataString(lead)}";
        JsonElement found = default;
        await Eventually.TrueAsync(async () =>
        {
            var response = await _host.Client.GetAsync("api/v1/lead_analytics/search?" + query);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            if (body.GetProperty("meta").GetProperty("rowCount").GetInt32() != 1) return false;
            found = body.GetProperty("recordings")[0];
            return true;
        }, "the event is searchable");
        return found;
    }

    private Task<List<TableEntity>> EventsAbout(string subject) => RowsWhere(TableNames.Events, "Subject", subject);

    private async Task<List<TableEntity>> RowsWhere(string table, string property, string value) =>
        await _host.Table(table).QueryAsync<TableEntity>($"{property} eq '{value.Replace("'", "''")}'").ToListAsync();

    private async Task AssertNoPoisonAsync()
    {
        foreach (var queue in Pipeline.Functions.LocalHost.LocalTriggerHost.QueuesOf(_host.Services.GetRequiredService<FunctionCatalog>())
                     .Where(q => !q.EndsWith("-poison", StringComparison.Ordinal)))
        {
            var poisoned = (await _host.Queue(QueueNames.Poison(queue)).PeekMessagesAsync(32)).Value;
            Assert.True(poisoned.Length == 0, $"{QueueNames.Poison(queue)}: {string.Join("\n", poisoned.Select(m => m.Body.ToString()))}");
        }
    }
}
