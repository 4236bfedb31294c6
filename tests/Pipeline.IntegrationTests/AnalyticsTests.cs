using Pipeline.Functions.Analytics;

namespace Pipeline.IntegrationTests;

/// <summary>
/// The Data Analytics Service through the local host: the seed's create calls, validation, and search paging and
/// <c>latest</c> over a few thousand events, reading only the partition a search needs.
/// </summary>
public sealed class AnalyticsFixture : PipelineFixture
{
    public StorageRequestLog StorageRequests { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<Azure.Core.Pipeline.HttpPipelinePolicy>(StorageRequests);
}

[Collection(TimingCollection.Name)]
public sealed class AnalyticsTests(AnalyticsFixture fixture) : IClassFixture<AnalyticsFixture>
{
    private readonly StorageRequestLog _storageRequests = fixture.StorageRequests;
    private readonly PipelineHost _host = fixture.Host;

    private const string SeedBodyFields = """
        "user_id": "current user ID", "tool_signature": "tool signature", "recording_id": "gpdb recording ID",
        "event_type": "view", "event_id": "event ID", "message": "message", "javascript_local_time": "local_time",
        "apex_local_time": "local_time", "event_environment_path": "path", "name_parser_event_id": "event_id",
        "recommendation_model_event_id": "event_id", "version_info": { "key": "value" }
        """;

    public static TheoryData<string, string, string, string> SeedCalls() => new()
    {
        { "api/v1/analytics_events", $$"""{ "customer_id": "customer_id", "entity_id": "ID", "entity_type": "lead or contact", {{SeedBodyFields}} }""", "analytics_event", "Analytics event" },
        { "api/v1/lead_analytics", $$"""{ "customer_id": "customer_id", "lead_id": "ID", {{SeedBodyFields}} }""", "lead_analytics_event", "Lead analytics event" },
        { "api/v1/contact_analytics", $$"""{ "customer_id": "customer_id", "contact_id": "ID", {{SeedBodyFields}} }""", "contact_analytics_event", "Contact analytics event" },
        { "api/v1/lead_analytics", SeedBodyFields.Replace("\"tool signature\"", "\"browser_extension\"") is var f ? $$"""{ "customer_id": "ID", "entity_id": "ID", {{f}} }""" : "", "lead_analytics_event", "Lead analytics event" },
    };

    [Theory]
    [MemberData(nameof(SeedCalls))]
    public async Task Every_seed_create_call_answers_201_with_the_stored_entity(string path, string body, string entityType, string label)
    {
        var response = await _host.PostJsonAsync(path, body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stored = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(entityType, stored.GetProperty("entityType").GetString());
        Assert.Matches($"^{label}\\|[0-9a-f-]{{36}}$", stored.GetProperty("partitionKey").GetString());
        Assert.Equal(stored.GetProperty("customer_id").GetString(), stored.GetProperty("sortKey").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", stored.GetProperty("created_at").GetString());
        Assert.Equal(stored.GetProperty("created_at").GetString(), stored.GetProperty("updated_at").GetString());
        Assert.Equal("view", stored.GetProperty("event_type").GetString());
        Assert.Equal("value", stored.GetProperty("version_info").GetProperty("key").GetString());
    }

    [Theory]
    [InlineData("api/v1/lead_analytics", "lead_id")]
    [InlineData("api/v1/contact_analytics", "contact_id")]
    [InlineData("api/v1/analytics_events", "entity_id")]
    public async Task A_created_event_is_found_by_search(string path, string idField)
    {
        var entity = idField == "contact_id" ? "contact" : "lead";
        var customer = "c-" + Guid.NewGuid().ToString("N")[..8];
        var body = $$"""{"customer_id":"{{customer}}","{{idField}}":"E1","entity_type":"{{entity}}","user_id":"U1","recording_id":"R1","event_type":"view","event_id":"ev-1","tool_signature":"vfp"}""";

        var created = await _host.PostJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // How soon is measured in bench/ (the end-to-end figures in the README), not asserted on a shared machine.
        JsonElement found = default;
        await Eventually.TrueAsync(async () =>
        {
            var response = await _host.Client.GetAsync($"api/v1/{entity}_analytics/search?recording_id=R1&customer_id={customer}&user_id=U1&{entity}_id=E1");
            found = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return found.GetProperty("meta").GetProperty("rowCount").GetInt32() == 1;
        }, "the event is searchable");
        var recording = found.GetProperty("recordings")[0];
        Assert.Equal(entity, recording.GetProperty("entity_type").GetString());
        Assert.Equal("E1", recording.GetProperty("entity_id").GetString());
        Assert.Equal("ev-1", recording.GetProperty("event_id").GetString());
    }

    [Theory]
    [InlineData("api/v1/lead_analytics", """{"lead_id":"L","user_id":"U","recording_id":"R","event_type":"view","event_id":"e"}""", "customer_id")]
    [InlineData("api/v1/lead_analytics", """{"customer_id":"C","user_id":"U","recording_id":"R","event_type":"view","event_id":"e"}""", "lead_id")]
    [InlineData("api/v1/contact_analytics", """{"customer_id":"C","contact_id":"X","recording_id":"R","event_type":"view","event_id":"e"}""", "user_id")]
    [InlineData("api/v1/contact_analytics", """{"customer_id":"C","contact_id":"X","user_id":"U","event_type":"view","event_id":"e"}""", "recording_id")]
    [InlineData("api/v1/contact_analytics", """{"customer_id":"C","contact_id":"X","user_id":"U","recording_id":"R","event_id":"e"}""", "event_type")]
    [InlineData("api/v1/analytics_events", """{"customer_id":"C","entity_id":"X","user_id":"U","recording_id":"R","event_type":"view","event_id":"e"}""", "entity_type")]
    [InlineData("api/v1/analytics_events", """{"customer_id":"C","entity_type":"lead","user_id":"U","recording_id":"R","event_type":"view","event_id":"e"}""", "entity_id")]
    [InlineData("api/v1/lead_analytics", """{"customer_id":7,"lead_id":"L","user_id":"U","recording_id":"R","event_type":"view","event_id":"e"}""", "customer_id")]
    [InlineData("api/v1/lead_analytics", """{"customer_id":"C","lead_id":"L","user_id":"U","recording_id":"R","event_type":"view","event_id":"e","message":5}""", "message")]
    [InlineData("api/v1/lead_analytics", """{"customer_id":"C","lead_id":"L","user_id":"U","recording_id":"R","event_type":"view","event_id":"e","version_info":"1.0"}""", "version_info")]
    public async Task Invalid_events_are_a_422_with_field_errors(string path, string body, string badField)
    {
        var response = await _host.PostJsonAsync(path, body);

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(badField, out _), errors.ToString());
    }

    [Fact]
    public async Task A_property_named_twice_is_a_400_naming_it()
    {
        var response = await _host.PostJsonAsync("api/v1/lead_analytics",
            """{"customer_id":"C","lead_id":"L","user_id":"U","recording_id":"R","event_type":"view","event_id":"e","lead_id":"M"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'lead_id'", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_malformed_body_is_a_400()
    {
        var response = await _host.PostJsonAsync("api/v1/lead_analytics", "{\"customer_id\":");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("customer_id=C&user_id=U&lead_id=L", "recording_id")]
    [InlineData("recording_id=R&user_id=U&lead_id=L", "customer_id")]
    [InlineData("recording_id=R&customer_id=C&lead_id=L", "user_id")]
    [InlineData("recording_id=R&customer_id=C&user_id=U", "lead_id")]
    [InlineData("recording_id=R&customer_id=C&user_id=U&lead_id=L&pageSize=101", "pageSize")]
    [InlineData("recording_id=R&customer_id=C&user_id=U&lead_id=L&page=0", "page")]
    [InlineData("recording_id=R&customer_id=C&user_id=U&lead_id=L&latest=maybe", "latest")]
    public async Task A_search_missing_or_misusing_a_parameter_is_a_422(string query, string badParameter)
    {
        var response = await _host.Client.GetAsync("api/v1/lead_analytics/search?" + query);

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")
            .TryGetProperty(badParameter, out _));
    }

    [Fact]
    public async Task Search_pages_and_latest_over_thousands_of_events_read_only_the_searched_partition()
    {
        var index = _host.Services.GetRequiredService<AnalyticsIndex>();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        // 3,000 events of one lead across 30 recordings, plus 600 of other leads, users and customers.
        var events = Enumerable.Range(0, 3000).Select(i => Event("CUST", "USER", "LEAD", i, start))
            .Concat(Enumerable.Range(0, 200).Select(i => Event("CUST", "USER", "OTHER-LEAD", i, start)))
            .Concat(Enumerable.Range(0, 200).Select(i => Event("CUST", "OTHER-USER", "LEAD", i, start)))
            .Concat(Enumerable.Range(0, 200).Select(i => Event("OTHER-CUST", "USER", "LEAD", i, start)));
        await Parallel.ForEachAsync(events, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (e, ct) => await index.IndexAsync(AnalyticsEventRecorded.Read(e), e, ct));
        _storageRequests.Clear();

        var page1 = await Search("recording_id=rec-1&recording_id=rec-2&pageSize=100");
        var page2 = await Search("recording_id=rec-1&recording_id=rec-2&pageSize=100&page=2");
        var page3 = await Search("recording_id=rec-1&recording_id=rec-2&pageSize=100&page=3");
        var latest = await Search("recording_id[]=rec-1&recording_id[]=rec-2&recording_id[]=rec-3&latest=true");
        var defaults = await Search("recording_id=rec-29");

        Assert.Equal(200, page1.GetProperty("meta").GetProperty("rowCount").GetInt32());
        Assert.Equal(100, page1.GetProperty("recordings").GetArrayLength());
        Assert.Equal(100, page2.GetProperty("recordings").GetArrayLength());
        Assert.Equal(0, page3.GetProperty("recordings").GetArrayLength());
        var times = page1.GetProperty("recordings").EnumerateArray().Concat(page2.GetProperty("recordings").EnumerateArray())
            .Select(r => r.GetProperty("created_at").GetString()).ToList();
        Assert.Equal(times.OrderDescending(StringComparer.Ordinal), times); // newest first, across pages
        Assert.Equal(200, times.Distinct().Count());
        Assert.Equal(["rec-1", "rec-2"], page1.GetProperty("recordings").EnumerateArray().Select(r => r.GetProperty("recording_id").GetString()).Distinct().Order());

        Assert.Equal(3, latest.GetProperty("meta").GetProperty("rowCount").GetInt32());
        var newest = latest.GetProperty("recordings").EnumerateArray().ToDictionary(r => r.GetProperty("recording_id").GetString()!, r => r.GetProperty("event_id").GetString());
        Assert.Equal("ev-2971", newest["rec-1"]);
        Assert.Equal("ev-2972", newest["rec-2"]);
        Assert.Equal("ev-2973", newest["rec-3"]);

        Assert.Equal(10, defaults.GetProperty("meta").GetProperty("pageSize").GetInt32());
        Assert.Equal(1, defaults.GetProperty("meta").GetProperty("page").GetInt32());
        Assert.Equal(100, defaults.GetProperty("meta").GetProperty("rowCount").GetInt32());

        var analyticsReads = _storageRequests.Uris.Where(u => u.Contains("/Analytics()")).ToList();
        Assert.NotEmpty(analyticsReads);
        Assert.All(analyticsReads, uri => Assert.Contains("PartitionKey eq 'lead|CUST|USER|LEAD'", uri));
    }

    private async Task<JsonElement> Search(string query)
    {
        var response = await _host.Client.GetAsync("api/v1/lead_analytics/search?customer_id=CUST&user_id=USER&lead_id=LEAD&" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    /// <summary>The i-th event: recording <c>rec-(i mod 30)</c>, <c>i</c> seconds after <paramref name="start"/>.</summary>
    private static EventEnvelope Event(string customer, string user, string lead, int i, DateTimeOffset start)
    {
        var (recording, at, eventId) = ($"rec-{i % 30}", start.AddSeconds(i), $"ev-{i}");
        var data = $$$"""
            {"entity":"lead","entity_id":"{{{lead}}}","stored":{"customer_id":"{{{customer}}}","lead_id":"{{{lead}}}","user_id":"{{{user}}}",
             "recording_id":"{{{recording}}}","event_type":"view","event_id":"{{{eventId}}}","message":"m",
             "created_at":"{{{AnalyticsIndex.Timestamp(at)}}}","updated_at":"{{{AnalyticsIndex.Timestamp(at)}}}"}}
            """;
        return new EventEnvelope(Guid.CreateVersion7(at), "analytics.lead", "test", "customer:" + customer, at, JsonDocument.Parse(data).RootElement);
    }
}
