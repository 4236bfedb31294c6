using Pipeline.Functions.IAdvize;

namespace Pipeline.IntegrationTests.IAdvize;

/// <summary><c>POST /api/webhooks/iadvize</c>: the signature rule, body rules, each event once, both content types.</summary>
public sealed class IAdvizeWebhookTests(IAdvizeFixture fixture) : IClassFixture<IAdvizeFixture>
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<JsonElement> StoredData(string subject, string type)
    {
        TableEntity? row = null;
        await Eventually.TrueAsync(async () => (row = (await fixture.EventsOfSubject(subject)).FirstOrDefault(e => e.GetString("Type") == type)) is not null,
            $"{type} is stored under {subject}");
        return JsonDocument.Parse(row!.GetString("Data")).RootElement;
    }

    /// <summary>A signed event for a fresh visitor, then waits until it is stored: everything queued before it is done too.</summary>
    private async Task SentinelStored()
    {
        var visitor = IAdvizeFixture.NewVisitorId();
        Assert.Equal(HttpStatusCode.OK, (await fixture.PostWebhook(IAdvizeFixture.ConversationClosed(visitor, Guid.NewGuid().ToString()))).StatusCode);
        await StoredData("iadvize-visitor:" + visitor, IAdvizeEvents.ConversationClosed);
        await fixture.EventsDrained();
    }

    public static TheoryData<string, string?, string?> BadSignatures => new()
    {
        { "tampered body", null, "tamper" },
        { "sha1 digest", "sha1=", null },
        { "md5 prefix with a sha256 digest", "md5=", null },
        { "SHA256 in capitals", "SHA256=", null },
        { "bare UUID as in the doc's examples", "110e8400-e29b-11d4-a716-446655440000", null },
        { "missing header", "", null },
        { "truncated digest", "truncate", null },
        { "unknown secret", "other-secret", null },
        { "empty digest", "sha256=", null },
    };

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task A_bad_signature_is_a_401_and_nothing_is_stored_or_queued(string why, string? signature, string? mode)
    {
        var visitor = IAdvizeFixture.NewVisitorId();
        var eventId = Guid.NewGuid().ToString();
        var body = IAdvizeFixture.ConversationClosed(visitor, eventId);
        var bytes = Encoding.UTF8.GetBytes(body);
        var header = signature switch
        {
            "sha1=" => "sha1=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA1.HashData(Encoding.UTF8.GetBytes(IAdvizeFixture.Secret), bytes)),
            "md5=" or "SHA256=" => signature + IAdvizeWebhookSignature.Sign(bytes, IAdvizeFixture.Secret)["sha256=".Length..],
            "truncate" => IAdvizeWebhookSignature.Sign(bytes, IAdvizeFixture.Secret)[..^2],
            "other-secret" => IAdvizeWebhookSignature.Sign(bytes, "not-a-configured-secret"),
            null when mode == "tamper" => IAdvizeWebhookSignature.Sign(Encoding.UTF8.GetBytes(body.Replace("\"chat\"", "\"call\"")), IAdvizeFixture.Secret),
            _ => signature,
        };

        var response = await fixture.PostWebhook(body, signature: header, sign: false);

        Assert.True(HttpStatusCode.Unauthorized == response.StatusCode, why);
        var json = await Json(response);
        Assert.Equal("unauthorized", json.GetProperty("error").GetString());
        Assert.Contains("X-iAdvize-Signature", json.GetProperty("message").GetString());
        await SentinelStored();
        Assert.Empty(await fixture.EventsOfSubject("iadvize-visitor:" + visitor));
        Assert.False((await fixture.Host.Table(Pipeline.Functions.IAdvize.WebhookDeduplication.TableName)
            .GetEntityIfExistsAsync<TableEntity>("event", "conversation.closed|" + eventId)).HasValue);
    }

    [Theory]
    [InlineData("lowercase hex, current secret", IAdvizeFixture.Secret, false)]
    [InlineData("uppercase hex", IAdvizeFixture.Secret, true)]
    [InlineData("the rotated secret (IAdvize__WebhookSecrets__0)", IAdvizeFixture.RotatedSecret, false)]
    public async Task A_valid_signature_is_accepted_and_the_event_stored(string why, string secret, bool upper)
    {
        var visitor = IAdvizeFixture.NewVisitorId();
        var body = IAdvizeFixture.ConversationClosed(visitor, Guid.NewGuid().ToString());
        var header = IAdvizeWebhookSignature.Sign(Encoding.UTF8.GetBytes(body), secret);
        if (upper) header = "sha256=" + header["sha256=".Length..].ToUpperInvariant();

        var response = await fixture.PostWebhook(body, signature: header, delivery: "110e8400-e29b-11d4-a716-446655440000",
            correlation: "332e8400-e34b-11d4-a716-446655444444-" + visitor[..8]);

        Assert.True(HttpStatusCode.OK == response.StatusCode, why);
        var data = await StoredData("iadvize-visitor:" + visitor, IAdvizeEvents.ConversationClosed);
        Assert.Equal("110e8400-e29b-11d4-a716-446655440000", data.GetProperty("delivery").GetProperty("id").GetString());
        Assert.StartsWith("332e8400-", data.GetProperty("delivery").GetProperty("correlationId").GetString());
        Assert.Equal("2017-04-22T09:01:00.000Z", data.GetProperty("createdAt").GetString());
        Assert.Equal("2017-04-22T09:01:00.000Z", data.GetProperty("sentAt").GetString());
        Assert.Equal(1, data.GetProperty("conversationId").GetInt32());
        Assert.Equal("chat", data.GetProperty("channel").GetString());
    }

    [Fact]
    public async Task A_signed_empty_body_is_a_400_and_an_unsigned_one_a_401()
    {
        var signed = await fixture.PostWebhook("");
        var unsigned = await fixture.PostWebhook("", sign: false);

        Assert.Equal(HttpStatusCode.BadRequest, signed.StatusCode);
        Assert.Contains("empty", (await Json(signed)).GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
    }

    [Theory]
    [InlineData("[]", "application/json", "JSON object")]
    [InlineData("{\"eventId\":\"x\"}", "application/json", "eventType")]
    [InlineData("{\"eventType\":42}", "application/json", "eventType")]
    [InlineData("{\"eventType\":", "application/json", "not valid JSON")]
    [InlineData("eventId=x&visitorId=y", "application/x-www-form-urlencoded", "eventType")]
    [InlineData("eventType=conversation.closed&websiteId=abc", "application/x-www-form-urlencoded", "websiteId")]
    [InlineData("{\"eventType\":\"conversation.closed\",\"createdAt\":\"yesterday\"}", "application/json", "createdAt")]
    public async Task A_signed_body_without_an_event_is_a_400_naming_the_problem(string body, string contentType, string named)
    {
        var response = await fixture.PostWebhook(body, contentType: contentType);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, (await Json(response)).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("a lone high surrogate in a value", "\"channel\":\"chat\"", "\"channel\":\"\\ud800\"", "surrogate")]
    [InlineData("a lone low surrogate in another field", "\"channel\":\"chat\"", "\"channel\":\"chat\",\"userId\":\"\\udc00x\"", "surrogate")]
    [InlineData("eventType named twice", "\"channel\":\"chat\"", "\"channel\":\"chat\",\"eventType\":\"user.created\"", "eventType")]
    [InlineData("a lone surrogate in a property name", "\"channel\":\"chat\"", "\"channel\":\"chat\",\"\\ud800\":1", "surrogate")]
    // The digest's integer fields and the channel: before, any JSON type was a 200, and a score of 2147483648 was
    // averaged into the website's satisfaction.
    [InlineData("a score beyond any survey's", "\"channel\":\"chat\"", "\"channel\":\"chat\",\"score\":2147483648", "score")]
    [InlineData("a negative score", "\"channel\":\"chat\"", "\"channel\":\"chat\",\"score\":-5", "score")]
    [InlineData("a score as text", "\"channel\":\"chat\"", "\"channel\":\"chat\",\"score\":\"abc\"", "score")]
    [InlineData("a website id as an object", "\"websiteId\":1", "\"websiteId\":{\"x\":1}", "websiteId")]
    [InlineData("a conversation id past any number", "\"conversationId\":1", "\"conversationId\":1e400", "conversationId")]
    [InlineData("an operator id with a fraction", "\"operatorId\":1", "\"operatorId\":1.5", "operatorId")]
    [InlineData("a channel that is no text", "\"channel\":\"chat\"", "\"channel\":{\"x\":1}", "channel")]
    public async Task A_signed_body_no_later_step_could_read_is_a_400_and_nothing_is_stored(string why, string find, string replace, string named)
    {
        var visitor = IAdvizeFixture.NewVisitorId();
        var eventId = Guid.NewGuid().ToString();
        var body = IAdvizeFixture.ConversationClosed(visitor, eventId).Replace(find, replace);
        Assert.Contains(replace, body);

        var response = await fixture.PostWebhook(body);

        Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{why}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Contains(named, (await Json(response)).GetProperty("message").GetString());
        await SentinelStored();
        Assert.Empty(await fixture.EventsOfSubject("iadvize-visitor:" + visitor));
    }

    [Fact]
    public async Task Ids_at_their_length_limit_made_of_characters_keys_escape_are_accepted_stored_and_deduplicated()
    {
        var visitor = new string('/', 248) + Guid.NewGuid().ToString("N")[..8];
        var eventId = new string('#', 200) + Guid.NewGuid();
        var body = IAdvizeFixture.ConversationClosed(visitor, eventId);
        var correlation = new string('?', 200) + Guid.NewGuid();

        var first = await fixture.PostWebhook(body, correlation: correlation);
        var second = await fixture.PostWebhook(body, correlation: correlation);

        Assert.True(HttpStatusCode.OK == first.StatusCode, await first.Content.ReadAsStringAsync());
        Assert.True((await Json(second)).GetProperty("duplicate").GetBoolean());
        await Eventually.TrueAsync(async () => (await fixture.Host.Table(TableNames.Events)
            .QueryAsync<TableEntity>(e => e.PartitionKey == TableKeys.Key("iadvize-visitor:" + visitor)).ToListAsync()).Count == 1,
            "the event is stored once under its subject");
    }

    [Fact]
    public async Task The_longest_event_type_and_event_id_made_of_characters_keys_escape_are_deduplicated()
    {
        var body = JsonSerializer.Serialize(new { eventId = new string('/', 220) + Guid.NewGuid(), eventType = new string('/', 100), userId = 1 });

        var first = await fixture.PostWebhook(body);
        var second = await fixture.PostWebhook(body);

        Assert.True(HttpStatusCode.OK == first.StatusCode, await first.Content.ReadAsStringAsync());
        Assert.False((await Json(first)).GetProperty("duplicate").GetBoolean());
        Assert.True((await Json(second)).GetProperty("duplicate").GetBoolean());
    }

    [Fact]
    public async Task Every_seed_example_is_accepted_and_stored_once_even_when_sent_twice()
    {
        foreach (var (type, body) in SeedWebhooks.Examples)
        {
            var first = await fixture.PostWebhook(body);
            var second = await fixture.PostWebhook(body);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.False((await Json(first)).GetProperty("duplicate").GetBoolean(), type);
            Assert.True((await Json(second)).GetProperty("duplicate").GetBoolean(), type);
            Assert.Equal((await Json(first)).GetProperty("id").GetString(), (await Json(second)).GetProperty("id").GetString());
        }

        await fixture.EventsDrained();
        foreach (var type in SeedWebhooks.Examples.Keys)
        {
            var rows = (await fixture.EventsOfSubject(SeedWebhooks.SubjectOf(type))).Where(e => e.GetString("Type") == "iadvize." + type).ToList();
            Assert.True(rows.Count == 1, $"{type}: {rows.Count} rows");
            Assert.Equal(IAdvizeEvents.Source, rows[0].GetString("Source"));
        }
        var connector = await StoredData("iadvize-website:1", IAdvizeEvents.ConnectorInstalled);
        Assert.Equal("SD", connector.GetProperty("platform").GetString());
        Assert.Equal("3f0e6840-48fe-4e87-8f3b-6ef3f75f18d8", connector.GetProperty("connectorId").GetString());
    }

    [Fact]
    public async Task The_same_eventId_is_one_event_whatever_its_deliveries()
    {
        var visitor = IAdvizeFixture.NewVisitorId();
        var body = IAdvizeFixture.Satisfaction(visitor, Guid.NewGuid().ToString(), score: 4);

        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => fixture.PostWebhook(body)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var ids = await Task.WhenAll(answers.Select(async a => (await Json(a)).GetProperty("id").GetString()));
        Assert.Single(ids.Distinct());
        await fixture.EventsDrained();
        var rows = await fixture.EventsOfSubject("iadvize-visitor:" + visitor);
        Assert.Equal(ids[0], Assert.Single(rows).RowKey);
        Assert.Equal(4, JsonDocument.Parse(rows[0].GetString("Data")).RootElement.GetProperty("score").GetInt32());
    }

    [Fact]
    public async Task A_retry_with_the_same_correlation_id_is_recognised_even_with_another_eventId()
    {
        var visitor = IAdvizeFixture.NewVisitorId();
        var correlation = Guid.NewGuid().ToString();

        var first = await fixture.PostWebhook(IAdvizeFixture.ConversationClosed(visitor, Guid.NewGuid().ToString()), correlation: correlation);
        var retry = await fixture.PostWebhook(IAdvizeFixture.ConversationClosed(visitor, Guid.NewGuid().ToString()), correlation: correlation);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.True((await Json(retry)).GetProperty("duplicate").GetBoolean());
        Assert.Equal((await Json(first)).GetProperty("id").GetString(), (await Json(retry)).GetProperty("id").GetString());
        await fixture.EventsDrained();
        Assert.Single(await fixture.EventsOfSubject("iadvize-visitor:" + visitor));
    }

    /// <summary>A signed conversation.closed as a capture replays it: no eventId, and no correlation id is sent with it.</summary>
    private static string ClosedWithoutEventId(string visitor, int conversationId = 1) => $$"""
        {"eventType":"conversation.closed","platform":"sd","websiteId":1,"clientId":1,"conversationId":{{conversationId}},"operatorId":1,"channel":"chat","visitorId":"{{visitor}}","createdAt":"2017-04-22T11:01:00+02:00","sentAt":"2017-04-22T11:01:00+02:00"}
        """;

    [Fact]
    public async Task A_body_without_eventId_or_correlation_id_replayed_five_times_is_one_event()
    {
        var visitor = IAdvizeFixture.NewVisitorId();
        var body = ClosedWithoutEventId(visitor);

        // Each copy comes with its own X-iAdvize-Delivery header, as separate sends of one capture do.
        var first = await Json(await fixture.PostWebhook(body));
        var replays = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ => await Json(await fixture.PostWebhook(body))));

        Assert.Equal("accepted", first.GetProperty("status").GetString());
        Assert.Equal(IAdvizeEvents.ConversationClosed, first.GetProperty("type").GetString());
        Assert.False(first.GetProperty("duplicate").GetBoolean());
        Assert.All(replays, r =>
        {
            Assert.True(r.GetProperty("duplicate").GetBoolean());
            Assert.Equal(first.GetProperty("id").GetString(), r.GetProperty("id").GetString());
        });
        await SentinelStored();
        var stored = Assert.Single(await fixture.EventsOfSubject("iadvize-visitor:" + visitor));
        Assert.Equal(first.GetProperty("id").GetString(), stored.RowKey);
    }

    [Fact]
    public async Task Two_bodies_without_eventId_that_differ_in_one_byte_are_two_events()
    {
        var visitor = IAdvizeFixture.NewVisitorId();
        var one = ClosedWithoutEventId(visitor, conversationId: 1);
        var other = ClosedWithoutEventId(visitor, conversationId: 2);
        Assert.Equal(Encoding.UTF8.GetByteCount(one), Encoding.UTF8.GetByteCount(other));
        Assert.Equal(1, Encoding.UTF8.GetBytes(one).Zip(Encoding.UTF8.GetBytes(other)).Count(pair => pair.First != pair.Second));

        var a = await Json(await fixture.PostWebhook(one));
        var b = await Json(await fixture.PostWebhook(other));

        Assert.False(a.GetProperty("duplicate").GetBoolean());
        Assert.False(b.GetProperty("duplicate").GetBoolean());
        Assert.NotEqual(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
        await SentinelStored();
        var stored = await fixture.EventsOfSubject("iadvize-visitor:" + visitor);
        Assert.Equal(new[] { 1, 2 }, stored.Select(e => JsonDocument.Parse(e.GetString("Data")).RootElement.GetProperty("conversationId").GetInt32()).Order());
    }

    [Fact]
    public async Task Form_bodies_are_accepted_as_fields_or_as_a_payload_field()
    {
        var byFields = IAdvizeFixture.NewVisitorId();
        var byPayload = IAdvizeFixture.NewVisitorId();
        var fields = $"eventId={Guid.NewGuid()}&eventType=satisfaction.filled&platform=sd&websiteId=1&clientId=1&conversationId=9" +
                     $"&operatorId=2&visitorId={byFields}&score=5&createdAt=2017-04-22T11%3A01%3A00%2B02%3A00&sentAt=2017-04-22T11%3A01%3A00%2B02%3A00";
        var payload = "payload=" + Uri.EscapeDataString(IAdvizeFixture.Satisfaction(byPayload, Guid.NewGuid().ToString(), score: 2));

        var a = await fixture.PostWebhook(fields, contentType: "application/x-www-form-urlencoded");
        var b = await fixture.PostWebhook(payload, contentType: "application/x-www-form-urlencoded; charset=utf-8");

        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        var fromFields = await StoredData("iadvize-visitor:" + byFields, IAdvizeEvents.SatisfactionFilled);
        Assert.Equal(5, fromFields.GetProperty("score").GetInt32());
        Assert.Equal(9, fromFields.GetProperty("conversationId").GetInt32());
        Assert.Equal("2017-04-22T09:01:00.000Z", fromFields.GetProperty("createdAt").GetString());
        Assert.Equal(2, (await StoredData("iadvize-visitor:" + byPayload, IAdvizeEvents.SatisfactionFilled)).GetProperty("score").GetInt32());
    }

    [Fact]
    public async Task An_unknown_event_type_is_stored_as_such()
    {
        var body = $$"""{"eventId":"{{Guid.NewGuid()}}","eventType":"conversation.transferred","platform":"sd","websiteId":4242,"createdAt":"2026-01-02T03:04:05Z"}""";

        var response = await fixture.PostWebhook(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("iadvize.conversation.transferred", (await Json(response)).GetProperty("type").GetString());
        Assert.Equal(4242, (await StoredData("iadvize-website:4242", "iadvize.conversation.transferred")).GetProperty("websiteId").GetInt32());
    }
}

/// <summary>With no secret configured every webhook is refused, however it is signed.</summary>
public sealed class IAdvizeWebhookWithoutSecretTests(NoWebhookSecretFixture fixture) : IClassFixture<NoWebhookSecretFixture>
{
    [Fact]
    public async Task Every_webhook_is_a_401_saying_why()
    {
        var body = SeedWebhooks.Examples["conversation.closed"];
        var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/iadvize") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-iAdvize-Signature", IAdvizeWebhookSignature.Sign(Encoding.UTF8.GetBytes(body), ""));

        var response = await fixture.Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("IAdvize__WebhookSecret is not set", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void The_start_up_log_says_why_webhooks_are_refused() =>
        Assert.Contains(fixture.Logged, line => line.Contains("off iAdvize webhooks") && line.Contains("IAdvize__WebhookSecret"));
}
