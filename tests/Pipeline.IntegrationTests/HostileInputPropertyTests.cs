using Azure.Storage.Queues;
using FsCheck;
using FsCheck.Fluent;
using Pipeline.Functions.GhostMonitor;

namespace Pipeline.IntegrationTests;

/// <summary>A fixture of its own: the property tests count events and inspect every poison queue.</summary>
public sealed class HostileInputFixture : PipelineFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Tracking:AppKeys:0"] = TrackingFixture.AppKey;
    }
}

/// <summary>
/// Every endpoint driven with generated hostile bodies (deep, long, odd Unicode, lone surrogate escapes, huge
/// numbers, bracket forms at scale) against the real local host. For each request the answer is a 4xx with a JSON
/// body, or a 2xx after which the event is recorded, and searchable or forwarded where that applies; no poison
/// queue grows. Sizes stay within what the storage layout holds today (ids up to 40 characters, strings up to
/// 1,500, nesting up to 20).
/// </summary>
public sealed class HostileInputPropertyTests(HostileInputFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
    : IClassFixture<HostileInputFixture>
{
    private const string AppKey = TrackingFixture.AppKey;
    private PipelineHost Host => fixture.Host;

    public sealed record HostileRequest(string Method, string Path, string ContentType, string Body)
    {
        public override string ToString() => $"{Method} {Clip(Path)} [{ContentType}] {Clip(Body)}";

        private static string Clip(string text) => text.Length > 600 ? text[..600] + $"… ({text.Length} chars)" : text;
    }

    // ---- generators --------------------------------------------------------------------------------------------

    /// <summary>Pieces of text as they appear inside a JSON string literal (already escaped).</summary>
    private static readonly string[] JsonTextPieces =
    [
        "a", "Zara", "H&M", "two words", " ", "ünï", "日本語", "\u00a0", "\u200b", "\u202e", "e\u0301", "😀", "\\ud83d\\ude00",
        "\\u0000", "\\u001f", "\\\"", "\\\\", "/", "#", "?", "%", "%40", "'", "<script>", "\\n", "\\t", "\\u2028", "\ufeff",
    ];

    private static readonly string[] LoneSurrogates = ["\\ud800", "\\udfff", "\\udbff", "a\\ud83d", "\\ude00b"];

    private static readonly string[] HugeNumbers =
    [
        "1e400", "-1e400", "1e-400", "123456789012345678901234567890", new string('9', 400), "-0", "0.0000001", "1E+308",
        "9223372036854775808", "-9223372036854775809", "2147483648",
    ];

    private static Gen<string> Text(int maxPieces, bool allowLoneSurrogates) =>
        from count in Gen.Choose(1, maxPieces)
        from pieces in Gen.Frequency(
            (10, Gen.Elements(JsonTextPieces)),
            (allowLoneSurrogates ? 1 : 0, Gen.Elements(LoneSurrogates))).ArrayOf(count)
        select string.Concat(pieces);

    private static Gen<string> LongText() =>
        Gen.Choose(300, 1500).SelectMany(n => Gen.Elements("x", "é", "日", "😀"), (n, c) => string.Concat(Enumerable.Repeat(c, n / c.Length)));

    /// <summary>A JSON value (as text): scalars of every kind, huge numbers, long and odd strings, deep nesting.</summary>
    private static Gen<string> JsonValue(bool allowLoneSurrogates) => Gen.Frequency(
        (4, Text(6, allowLoneSurrogates).Select(t => $"\"{t}\"")),
        (2, Gen.Elements(HugeNumbers)),
        (2, Gen.Elements("0", "-1", "7.5", "25", "\"25\"", "\"7.5\"", "true", "false", "null", "\"\"", "[]", "{}")),
        (1, LongText().Select(t => $"\"{t}\"")),
        (1, Gen.Choose(1, 20).SelectMany(_ => Gen.Elements("[", "{\"a\":"), (depth, open) =>
            string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(open == "[" ? "]" : "}", depth)))));

    /// <summary>A valid-looking value for a push field, so that a good share of generated pushes are accepted.</summary>
    private static string Plausible(FieldKind kind) => kind switch
    {
        FieldKind.Text => "\"WooCommerce\"",
        FieldKind.Email => "\"owner@example.com\"",
        FieldKind.Integer => "\"25\"",
        FieldKind.Number => "7.5",
        FieldKind.Date => "\"Thu Feb 18 2016 14:22:45 GMT+0100 (CET)\"",
        FieldKind.Money => "\"$ 5000\"",
        FieldKind.Duration => "\"5m35s\"",
        _ => "\"3\"",
    };

    private static string Marker() => Guid.NewGuid().ToString("N")[..12];

    private static Gen<HostileRequest> Pushes() =>
        from segment in Gen.Elements(PushSegments.All.ToArray())
        from path in Gen.Frequency((8, Gen.Constant(segment.Name)), (1, Gen.Elements("platform", "trial_expired", "nope", "%F0%9F%98%80")))
        from lone in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        from sitePrefix in Text(4, lone)
        from fieldValues in Gen.CollectToArray(segment.Fields.Where(f => f.Name != PushSegments.SiteId),
            f => Gen.Frequency((5, Gen.Constant(Plausible(f.Kind))), (1, JsonValue(lone))))
        from extraKeys in Gen.ListOf(Gen.Zip(Text(3, lone), JsonValue(lone)), 3)
        from shape in Gen.Frequency((12, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)))
        select shape switch
        {
            1 => new HostileRequest("POST", "api/push/" + path, "application/json", "[{\"site_id\":\"x\"}]"),
            2 => new HostileRequest("POST", "api/push/" + path, "application/json", "{\"site_id\":\"x\",\"cart_recovered\":"),
            _ => new HostileRequest("POST", "api/push/" + path, "application/json",
                "{" + string.Join(",", new[] { $"\"site_id\":\"{sitePrefix}-{Marker()}\"" }
                    .Concat(segment.Fields.Where(f => f.Name != PushSegments.SiteId).Select((f, i) => $"\"{f.Name}\":{fieldValues[i]}"))
                    .Concat(extraKeys.Select(k => $"\"x{k.Item1}\":{k.Item2}"))) + "}"),
        };

    /// <summary>Form text: percent-encoded UTF-8, plus raw escapes that are not UTF-8 at all.</summary>
    private static Gen<string> FormText(bool allowLong = true) => Gen.Frequency(
        (6, Gen.Elements("Zara", "7", "7.5", "-60\u00a0", "1e400", "ünï 😀", "a&b=c", "%", "", "  ", "\u202e", "x@y.com", "x%40y.com")
            .Select(Uri.EscapeDataString)),
        (1, Gen.Elements("%ED%A0%80", "%FF%FE", "%C0%AF", "%E2%80", "%", "%zz", "+")),
        (allowLong ? 1 : 0, LongText().Select(Uri.EscapeDataString)));

    /// <summary>Numbers as clients write them, mostly valid (spaces of any kind around them), sometimes not.</summary>
    private static Gen<string> NumberText() => Gen.Frequency(
        (4, Gen.Elements("7", "-60", "4.5", "-60\u00a0", " 12 ", "\u00a03", "0.5e1").Select(Uri.EscapeDataString)),
        (1, FormText(allowLong: false)));

    private static Gen<string> EmailText() => Gen.Frequency(
        (3, Gen.Elements("x@y.com", "x%40y.com", "ünï@例え.jp", "").Select(Uri.EscapeDataString)),
        (1, FormText(allowLong: false)));

    /// <summary>Names under aditionalData: free ones mostly, the validated ones (rating, receipts, …) now and then.</summary>
    private static Gen<string> AdditionalName() => Gen.Frequency(
        (6, Gen.Elements("comment", "ünï", "0", "", "extra", "x y")),
        (2, Gen.Elements("brands", "tenants", "interests")),
        (1, Gen.Elements("receipts", "rating", "percentCompleted", "appointmentDate", "senderType")));

    private static Gen<string> BracketKey() =>
        from depth in Gen.Choose(0, 5)
        from names in AdditionalName().ArrayOf(depth)
        from dots in Gen.Elements(true, false).ArrayOf(depth)
        select "aditionalData" + string.Concat(names.Select((n, i) => dots[i] && n.Length > 0 ? "." + n : "[" + n + "]"));

    private static Gen<string> AdditionalForm() =>
        from count in Gen.Frequency((6, Gen.Choose(0, 20)), (1, Gen.Choose(200, 1100)))
        from keys in BracketKey().ArrayOf(count)
        from values in FormText(allowLong: count < 100).ArrayOf(count)
        select string.Concat(keys.Select((k, i) => "&" + Uri.EscapeDataString(k).Replace("%5B", "[").Replace("%5D", "]") + "=" + values[i]));

    private static Gen<HostileRequest> TrackingRequests(string uid, string mid) => Gen.OneOf(
        from actionType in Gen.Frequency((5, Gen.Constant("visit")), (1, Gen.Elements("sale", "feedback", "dance", "")))
        from additional in AdditionalForm()
        select new HostileRequest("POST", "api/jsapi/send", "application/x-www-form-urlencoded",
            $"appkey={AppKey}&uid={uid}&uType=c&actionType={actionType}&requestType=action{additional}"),
        from additional in JsonValue(allowLoneSurrogates: true).ListOf(4)
        from names in Text(3, allowLoneSurrogates: true).ListOf(4)
        select new HostileRequest("POST", "api/jsapi/send", "application/json",
            $"{{\"appkey\":\"{AppKey}\",\"uid\":\"{uid}\",\"actionType\":\"visit\",\"aditionalData\":{{" +
            string.Join(",", names.Zip(additional).Select(p => $"\"k{p.First}\":{p.Second}")) + "}}"),
        from email in EmailText()
        from phone in FormText(allowLong: false)
        select new HostileRequest("POST", "api/jsapi/init", "application/x-www-form-urlencoded",
            $"appkey={AppKey}&email={email}&phone={phone}&technicalInfo[screen]={phone}"),
        from email in Text(5, allowLoneSurrogates: true)
        select new HostileRequest("POST", "api/mobileapi/init", "application/json", $"{{\"appkey\":\"{AppKey}\",\"userEmail\":\"{email}\"}}"),
        from count in Gen.Frequency((4, Gen.Choose(1, 5)), (1, Gen.Choose(50, 200)))
        from values in NumberText().ArrayOf(count * 3)
        from nodeForm in Gen.Elements(true, false)
        select new HostileRequest("PUT", "api/mobileapi/sensors", "application/x-www-form-urlencoded",
            $"appkey={AppKey}&mid={mid}" + string.Concat(Enumerable.Range(0, count).Select(i => nodeForm
                ? $"&sensors[uuid][{i}]=u{i}{values[3 * i]}&sensors[rssi][{i}]={values[3 * i + 1]}&sensors[distance][{i}]={values[3 * i + 2]}"
                : $"&sensors[{i}][uuid]=u{i}{values[3 * i]}&sensors[{i}][rssi]={values[3 * i + 1]}&sensors[{i}][minor]={values[3 * i + 2]}"))),
        from lat in NumberText()
        from lon in Gen.Elements("26.08", "-180", "181", "1e400", "NaN", "-0", "%C2%A026.1")
        select new HostileRequest("PUT", "api/mobileapi/geo", "application/x-www-form-urlencoded",
            $"appkey={AppKey}&mid={mid}&lat={lat}&lon={lon}&accuracy={lat}"));

    private static Gen<string> Id() => Gen.Frequency(
        (12, Text(3, allowLoneSurrogates: false).Select(t => $"\"{t}-{Marker()}\"")),
        (1, JsonValue(allowLoneSurrogates: true)));

    private static Gen<HostileRequest> AnalyticsRequests() =>
        from route in Gen.Elements("api/v1/analytics_events", "api/v1/lead_analytics", "api/v1/contact_analytics")
        from ids in Id().ArrayOf(5)
        from entityType in Gen.Elements("\"lead\"", "\"contact\"", "\"lead or contact\"", "\"ünï\"", "7")
        from message in Gen.Frequency(
            (4, Gen.OneOf(Text(8, allowLoneSurrogates: true), LongText()).Select(t => $"\"{t}\"")),
            (1, JsonValue(allowLoneSurrogates: true)))
        from version in JsonValue(allowLoneSurrogates: true).ListOf(3)
        select new HostileRequest("POST", route, "application/json",
            $"{{\"customer_id\":{ids[0]},\"user_id\":{ids[1]},\"recording_id\":{ids[2]},\"lead_id\":{ids[3]},\"contact_id\":{ids[3]}," +
            $"\"entity_id\":{ids[3]},\"entity_type\":{entityType},\"event_type\":\"view\",\"event_id\":{ids[4]}," +
            $"\"message\":{message},\"version_info\":{{{string.Join(",", version.Select((v, i) => $"\"v{i}\":{v}"))}}}}}");

    private static Gen<HostileRequest> Searches() =>
        from route in Gen.Elements("api/v1/lead_analytics/search", "api/v1/contact_analytics/search")
        from recordings in FormText().ListOf()
        from id in FormText(allowLong: false)
        from page in Gen.Elements("1", "0", "-1", "99999999999", "1e400", "abc", "2147483647")
        from pageSize in Gen.Elements("10", "0", "101", "1e400", "", "100")
        from latest in Gen.Elements("true", "false", "maybe", "")
        select new HostileRequest("GET",
            $"{route}?customer_id={id}&user_id={id}&lead_id={id}&contact_id={id}&page={page}&pageSize={pageSize}&latest={latest}" +
            string.Concat(recordings.Take(60).Select(r => "&recording_id=" + r)), "", "");

    // ---- the checks --------------------------------------------------------------------------------------------

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HostileRequest request)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
        if (request.Method != "GET") message.Content = new StringContent(request.Body, Encoding.UTF8, request.ContentType);
        using var response = await Host.Client.SendAsync(message);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// A 4xx must be a JSON answer, except Kestrel's own refusals of a request line or headers too long to read
    /// (414, 431), which come before the app; a 5xx is always a failure.
    /// </summary>
    private static bool IsClearRefusal(HttpStatusCode status, string body, HostileRequest request)
    {
        var code = (int)status;
        Assert.True(code < 500, $"{code} for {request}: {body}");
        if (code < 400) return false;
        if (code is 414 or 431) return true;
        using var _ = JsonDocument.Parse(body);
        return true;
    }

    private async Task<List<TableEntity>> EventsAbout(string subject) =>
        await Host.Table(TableNames.Events).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Subject eq {subject}")).ToListAsync();

    /// <summary>An event's data as the Recorder stored it (split across Data, Data1, … when long).</summary>
    private static JsonElement DataOf(TableEntity entity)
    {
        var text = new StringBuilder(entity.GetString("Data"));
        for (var i = 1; entity.GetString($"Data{i}") is { } more; i++) text.Append(more);
        return JsonDocument.Parse(text.ToString()).RootElement;
    }

    private async Task AssertNoPoisonAsync()
    {
        var queues = new QueueServiceClient(Host.Storage);
        await foreach (var queue in queues.GetQueuesAsync())
        {
            if (!queue.Name.EndsWith("-poison", StringComparison.Ordinal)) continue;
            var messages = (await queues.GetQueueClient(queue.Name).PeekMessagesAsync(5)).Value;
            Assert.True(messages.Length == 0, $"{queue.Name} holds {string.Join("\n", messages.Select(m => m.Body.ToString()))}");
        }
    }

    private static void Check<T>(Gen<T> generator, int cases, Func<T, Task> property)
    {
        // Task.Run keeps the blocking wait off xunit's synchronisation context.
        var prop = Prop.ForAll(generator.ToArbitrary(), (T input) => Task.Run(() => property(input)).GetAwaiter().GetResult());
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true), prop);
    }

    [Fact]
    public async Task Every_push_is_refused_clearly_or_recorded_and_forwarded()
    {
        var accepted = 0;
        Check(Pushes(), 50, async request =>
        {
            var (status, body) = await SendAsync(request);
            if (IsClearRefusal(status, body, request)) return;
            Assert.Equal(HttpStatusCode.OK, status);
            accepted++;
            var siteId = JsonDocument.Parse(request.Body).RootElement.GetProperty("site_id").GetString()!;
            await Eventually.TrueAsync(async () => (await EventsAbout("site:" + siteId)).Count == 1, $"the push is recorded: {request}");
            await Eventually.TrueAsync(() => fixture.Intercom.CompanyCalls(siteId).Count >= 1, $"the push is forwarded: {request}");
        });
        output.WriteLine($"{accepted} of 50 pushes accepted");
        Assert.True(accepted > 5, $"only {accepted} of 50 generated pushes were accepted: the generator tests little");
        await AssertNoPoisonAsync();
    }

    [Fact]
    public async Task Every_tracking_call_is_refused_clearly_or_recorded()
    {
        var uid = await IssueAsync("api/jsapi/init", $"appkey={AppKey}&email=hostile%40example.com", "uid");
        var mid = await IssueAsync("api/mobileapi/init", $"appkey={AppKey}", "mobileId");
        var accepted = 0;
        Check(TrackingRequests(uid, mid), 60, async request =>
        {
            var before = request.Path.EndsWith("init") ? 0 : (await EventsAbout(SubjectOf(request, uid, mid, null))).Count;
            var (status, body) = await SendAsync(request);
            if (IsClearRefusal(status, body, request)) return;
            Assert.Equal(HttpStatusCode.OK, status);
            accepted++;
            var subject = SubjectOf(request, uid, mid, body);
            await Eventually.TrueAsync(async () => (await EventsAbout(subject)).Count > before, $"the call is recorded: {request}");
        });
        output.WriteLine($"{accepted} of 60 tracking calls accepted");
        Assert.True(accepted > 5, $"only {accepted} of 60 generated tracking calls were accepted: the generator tests little");
        await AssertNoPoisonAsync();
    }

    private static string SubjectOf(HostileRequest request, string uid, string mid, string? answer) => request.Path switch
    {
        "api/jsapi/send" => "visitor:" + uid,
        "api/jsapi/init" or "api/mobileapi/init" =>
            "visitor:" + JsonDocument.Parse(answer!).RootElement.EnumerateObject().Single(p => p.Name != "status").Value.GetString(),
        _ => "visitor:" + mid,
    };

    private async Task<string> IssueAsync(string path, string form, string key)
    {
        var response = await Host.Client.PostAsync(path, new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty(key).GetString()!;
    }

    [Fact]
    public async Task Every_analytics_event_is_refused_clearly_or_recorded_and_searchable()
    {
        var accepted = 0;
        Check(AnalyticsRequests(), 45, async request =>
        {
            var (status, body) = await SendAsync(request);
            if (IsClearRefusal(status, body, request)) return;
            Assert.Equal(HttpStatusCode.Created, status);
            accepted++;
            var sent = JsonDocument.Parse(request.Body).RootElement;
            string Field(string name) => sent.GetProperty(name).GetString()!;
            var eventId = Field("event_id");
            await Eventually.TrueAsync(async () => (await EventsAbout("customer:" + Field("customer_id")))
                .Any(e => DataOf(e).GetProperty("stored").GetProperty("event_id").GetString() == eventId), $"the event is recorded: {request}");

            var entity = request.Path switch
            {
                "api/v1/lead_analytics" => "lead",
                "api/v1/contact_analytics" => "contact",
                _ => sent.GetProperty("entity_type").ValueKind == JsonValueKind.String ? Field("entity_type") : null,
            };
            if (entity is not ("lead" or "contact")) return; // stored, but only leads and contacts are searchable
            var entityId = request.Path == "api/v1/analytics_events" ? Field("entity_id") : Field(entity + "_id");
            var search = $"api/v1/{entity}_analytics/search?recording_id={Uri.EscapeDataString(Field("recording_id"))}" +
                         $"&customer_id={Uri.EscapeDataString(Field("customer_id"))}&user_id={Uri.EscapeDataString(Field("user_id"))}" +
                         $"&{entity}_id={Uri.EscapeDataString(entityId)}&pageSize=100";
            await Eventually.TrueAsync(async () =>
            {
                var found = JsonDocument.Parse(await Host.Client.GetStringAsync(search)).RootElement.GetProperty("recordings");
                return found.EnumerateArray().Any(r => r.GetProperty("event_id").GetString() == eventId);
            }, $"the event is found by a search: {request}");
        });
        output.WriteLine($"{accepted} of 45 analytics events accepted");
        Assert.True(accepted > 5, $"only {accepted} of 45 generated analytics events were accepted: the generator tests little");
        await AssertNoPoisonAsync();
    }

    [Fact]
    public async Task Every_search_is_refused_clearly_or_answered()
    {
        Check(Searches(), 25, async request =>
        {
            var (status, body) = await SendAsync(request);
            if (IsClearRefusal(status, body, request)) return;
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(JsonDocument.Parse(body).RootElement.TryGetProperty("meta", out _));
        });
        await AssertNoPoisonAsync();
    }
}
