using Pipeline.Functions.Tracking;

namespace Pipeline.IntegrationTests.IAdvize;

/// <summary>Identified tracking visitors upserted into a WireMock iAdvize through the <c>iadvize</c> queue's forwarder.</summary>
public sealed class IAdvizeVisitorSyncTests(IAdvizeFixture fixture) : IClassFixture<IAdvizeFixture>
{
    private IAdvizeStandIn IAdvize => fixture.IAdvize;

    private static string NewEmail() => $"visitor-{Guid.NewGuid():N}@example.com";

    /// <summary>The uid /jsapi/init will answer for this email, known before the init so the stand-in can be primed.</summary>
    private Task<string> UidOf(string email) =>
        fixture.Host.Services.GetRequiredService<TrackingIds>().IssueAsync(IAdvizeFixture.AppKey, TrackingIdKind.Uid, email, null, default);

    private async Task<string> WebInit(string email)
    {
        var response = await fixture.Host.Client.PostAsync("api/jsapi/init", new StringContent(
            $"appkey={IAdvizeFixture.AppKey}&email={Uri.EscapeDataString(email)}", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("uid").GetString()!;
    }

    /// <summary>The iadvize delivery of each init event of this visitor, oldest first, once all are final.</summary>
    private async Task<List<TableEntity>> Deliveries(string visitorId, int inits, params string[] finalStatuses)
    {
        var found = new List<TableEntity>();
        await Eventually.TrueAsync(async () =>
        {
            var events = (await fixture.EventsOfSubject("visitor:" + visitorId)).Where(e => e.GetString("Type") == "tracking.web.init").ToList();
            found = [];
            foreach (var e in events.OrderBy(e => e.RowKey, StringComparer.Ordinal))
            {
                if (await fixture.DeliveryOf(Guid.Parse(e.RowKey), "iadvize") is { } d) found.Add(d);
            }
            return found.Count == inits && found.All(d => finalStatuses.Contains(d.GetString("Status")));
        }, $"{inits} iadvize deliveries of {visitorId[..8]} are {string.Join("/", finalStatuses)}");
        return found;
    }

    private async Task<TableEntity> Link(string visitorId) =>
        (await fixture.Host.Table(Pipeline.Functions.IAdvize.IAdvizeVisitors.TableName).GetEntityAsync<TableEntity>("visitor|" + visitorId, "")).Value;

    [Fact]
    public async Task A_new_visitor_is_looked_up_then_created_and_a_second_init_is_a_put_without_lookup()
    {
        var email = NewEmail();
        var uid = await UidOf(email);
        IAdvize.OnCreate(uid, 200, """{"meta":{"status":"success"},"data":{"id":560,"unique_id":"u-560","_link":"/visitor/560"}}""");

        await WebInit(email);
        await Deliveries(uid, 1, "Delivered");
        await WebInit(email);
        await Deliveries(uid, 2, "Delivered");

        var calls = IAdvize.Calls(uid);
        Assert.Equal(["GET /visitor", "POST /visitor", "PUT /visitor/560"], calls.Select(c => $"{c.Method} {c.Path}"));
        Assert.Equal(uid, calls[0].Query["filters[external_id]"]);
        Assert.Equal(IAdvizeStandIn.GoodKey, calls[1].ApiKey);
        Assert.Equal(email, calls[1].Form["email"]);
        Assert.Equal(uid, calls[2].Form["external_id"]);
        var link = await Link(uid);
        Assert.Equal(560, link.GetInt64("IAdvizeId"));
        Assert.Equal("u-560", link.GetString("UniqueId"));
    }

    [Fact]
    public async Task A_visitor_iAdvize_already_knows_is_updated()
    {
        var email = NewEmail();
        var uid = await UidOf(email);
        IAdvize.VisitorExists(uid, 881, "u-881");

        await WebInit(email);
        await Deliveries(uid, 1, "Delivered");

        Assert.Equal(["GET /visitor", "PUT /visitor/881"], IAdvize.Calls(uid).Select(c => $"{c.Method} {c.Path}"));
        Assert.Equal("u-881", (await Link(uid)).GetString("UniqueId"));
    }

    [Fact]
    public async Task A_fail_status_is_a_permanent_failure_with_iAdvizes_message_and_is_not_retried()
    {
        var email = NewEmail();
        var uid = await UidOf(email);
        IAdvize.OnCreate(uid, 400, """{"meta":{"status":"fail","message":"Value of field 'email' is not valid."}}""");

        await WebInit(email);
        var delivery = Assert.Single(await Deliveries(uid, 1, "Failed"));

        Assert.Contains("Value of field 'email' is not valid.", delivery.GetString("Error"));
        Assert.Equal(1, delivery.GetInt32("Attempts"));
        Assert.Single(IAdvize.Calls(uid), c => c.Method == "POST");
    }

    [Fact]
    public async Task A_fail_status_on_a_200_is_a_permanent_failure_too()
    {
        var email = NewEmail();
        var uid = await UidOf(email);
        IAdvize.OnCreate(uid, 200, """{"meta":{"status":"fail","message":"Field 'my_field_2' is missing."}}""");

        await WebInit(email);

        Assert.Contains("Field 'my_field_2' is missing.", Assert.Single(await Deliveries(uid, 1, "Failed")).GetString("Error"));
    }

    [Fact]
    public async Task An_error_status_is_transient_retried_then_dead_lettered_with_the_reason()
    {
        var email = NewEmail();
        var uid = await UidOf(email);
        IAdvize.OnCreate(uid, 200, """{"meta":{"status":"error","message":"Forbidden"}}""");

        await WebInit(email);

        string? poisoned = null;
        await Eventually.TrueAsync(async () =>
        {
            var queue = fixture.Host.Queue(Pipeline.Functions.Hosting.QueueNames.Poison(SubscriptionQueues.IAdvize));
            if (!(await queue.ExistsAsync()).Value) return false;
            poisoned = (await queue.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).FirstOrDefault(b => b.Contains(uid));
            return poisoned is not null;
        }, "the message is dead-lettered", TimeSpan.FromSeconds(30));
        Assert.Contains("Forbidden", poisoned);
        Assert.Equal(4, IAdvize.Calls(uid).Count(c => c.Method == "POST"));
        var delivery = Assert.Single(await Deliveries(uid, 1, "Failed"));
        Assert.Contains("gave up after 4 attempts", delivery.GetString("Error"));
        Assert.Contains("Forbidden", delivery.GetString("Error"));
    }

    [Theory]
    [InlineData("", "without the meta.status its API documents (an empty body)")]
    [InlineData("not json", "without the meta.status its API documents (a body that is not JSON: not json)")]
    [InlineData("{}", "without the meta.status its API documents (body {})")]
    [InlineData("""{"meta":{"status":"success"},"data":{"unique_id":"u-no-id"}}""", "success without the visitor's id")]
    public async Task A_create_answered_200_without_what_it_must_return_is_refused_at_once_and_not_dead_lettered(string body, string missing)
    {
        var email = NewEmail();
        var uid = await UidOf(email);
        IAdvize.OnCreate(uid, 200, body);

        await WebInit(email);

        // Failed, not Retrying: before, an answer without meta.status was retried into iadvize-poison.
        var delivery = Assert.Single(await Deliveries(uid, 1, "Failed"));
        Assert.Contains("POST /visitor: iAdvize answered 200 " + missing, delivery.GetString("Error"));
        await NothingPoisoned(uid);
        // Not retried once refused (a lookup that timed out on a busy machine may have been, before the create).
        Assert.Single(IAdvize.Calls(uid), c => c.Method == "POST");
    }

    [Theory]
    [InlineData("not json", "GET /visitor?filters[external_id]: iAdvize answered 200 without the meta.status its API documents (a body that is not JSON")]
    [InlineData("""{"meta":{"status":"success"}}""", "GET /visitor?filters[external_id]: iAdvize answered 200 success without the data list of visitors")]
    [InlineData("""{"meta":{"status":"success"},"data":[{"unique_id":"u-no-id"}]}""", "GET /visitor?filters[external_id]: iAdvize answered a visitor without its id")]
    public async Task A_lookup_answered_200_without_what_it_must_return_is_refused_and_nothing_is_created(string body, string reason)
    {
        var email = NewEmail();
        var uid = await UidOf(email);
        IAdvize.OnLookup(uid, 200, body);

        await WebInit(email);

        Assert.Contains(reason, Assert.Single(await Deliveries(uid, 1, "Failed")).GetString("Error"));
        await NothingPoisoned(uid);
        // An unreadable lookup is not "no such visitor": creating one then could make it twice.
        Assert.All(IAdvize.Calls(uid), c => Assert.Equal("GET /visitor", $"{c.Method} {c.Path}"));
    }

    /// <summary>Once the iadvize queue holds nothing, visible or not, nothing can redeliver the visitor's init; none of it was dead-lettered.</summary>
    private async Task NothingPoisoned(string visitorId)
    {
        await Eventually.TrueAsync(async () => (await fixture.Host.Queue(SubscriptionQueues.IAdvize).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0,
            "the iadvize queue is drained");
        var poison = fixture.Host.Queue(Pipeline.Functions.Hosting.QueueNames.Poison(SubscriptionQueues.IAdvize));
        if (!(await poison.ExistsAsync()).Value) return;
        Assert.DoesNotContain((await poison.PeekMessagesAsync(32)).Value, m => m.Body.ToString().Contains(visitorId));
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_no_sooner_than_asked()
    {
        var email = NewEmail();
        var uid = await UidOf(email);
        IAdvize.ThrottleOnce(uid, retryAfterSeconds: 2, id: 991, uniqueId: "u-991");

        await WebInit(email);
        await Deliveries(uid, 1, "Delivered");

        var posts = IAdvize.Calls(uid).Where(c => c.Method == "POST").ToList();
        Assert.Equal(2, posts.Count);
        Assert.True(posts[1].At - posts[0].At >= TimeSpan.FromSeconds(1.9), $"retried after {(posts[1].At - posts[0].At).TotalSeconds:0.00} s");
        Assert.Equal(991, (await Link(uid)).GetInt64("IAdvizeId"));
    }
}

/// <summary>Without an API key the forwarder records every visitor as skipped, and the events are still kept.</summary>
public sealed class IAdvizeUnconfiguredTests(UnconfiguredIAdvizeFixture fixture) : IClassFixture<UnconfiguredIAdvizeFixture>
{
    [Fact]
    public async Task Visitors_are_skipped_with_the_reason_and_nothing_is_sent()
    {
        var response = await fixture.Host.Client.PostAsync("api/jsapi/init", new StringContent(
            $"appkey={IAdvizeFixture.AppKey}&email=skipped%40example.com", Encoding.UTF8, "application/x-www-form-urlencoded"));
        var uid = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("uid").GetString()!;

        TableEntity? delivery = null;
        await Eventually.TrueAsync(async () =>
        {
            var init = (await fixture.EventsOfSubject("visitor:" + uid)).FirstOrDefault();
            return init is not null && (delivery = await fixture.DeliveryOf(Guid.Parse(init.RowKey), "iadvize")) is not null
                                    && delivery.GetString("Status") == "Skipped";
        }, "the delivery is recorded as skipped");
        Assert.Equal("IAdvize__ApiKey is not set", delivery!.GetString("Error"));
        Assert.Empty(fixture.IAdvize.Calls());
    }
}

public sealed class UnconfiguredIAdvizeFixture : IAdvizeFixture
{
    protected override bool IAdvizeConfigured => false;
}
