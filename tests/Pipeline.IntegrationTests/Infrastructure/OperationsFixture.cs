using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>The pipeline with the admin key set and replay pages of two events, so paging shows with a handful.</summary>
public sealed class OperationsFixture : PipelineFixture
{
    public const string AdminKey = "ops-test-key-7f3a";

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Admin:ApiKey"] = AdminKey;
        settings["Operations:ReplayPageSize"] = "2";
    }

    public Task<HttpResponseMessage> AdminGetAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", AdminKey);
        return Host.Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> AdminPostAsync(string path, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", AdminKey);
        return Host.Client.SendAsync(request);
    }

    public async Task<JsonElement> AdminJsonAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await AdminGetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>Company upserts whose body contains <paramref name="marker"/> get <paramref name="status"/> until the returned id is removed.</summary>
    public Guid FailCompanies(string marker, int status)
    {
        var id = Guid.NewGuid();
        Intercom.Server.Given(Request.Create().WithPath("/companies").UsingPost().WithBody(b => b?.Contains(marker) == true))
            .WithGuid(id)
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
                .WithBody("""{"type":"error.list","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}"""));
        return id;
    }

    public void Recover(Guid mapping) => Intercom.Server.DeleteMapping(mapping);

    /// <summary>Successful company upserts for one site (the stand-in's own 200 answers, not the failures).</summary>
    public int DeliveredCalls(string site) =>
        Intercom.Server.LogEntries.Count(e => e.RequestMessage?.Path == "/companies" && e.RequestMessage.Method == "POST"
                                              && e.RequestMessage.Body?.Contains($"\"company_id\":\"{site}\"") == true
                                              && e.ResponseMessage?.StatusCode is 200);

    /// <summary>Pushes one cart_recovered event for the site and returns its event id once the event is logged.</summary>
    public async Task<Guid> PushAsync(string site, int value = 3)
    {
        var response = await Host.PostJsonAsync("api/push/cart_recovered", $$"""{"site_id":"{{site}}","cart_recovered":"{{value}}"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Guid? id = null;
        await Eventually.TrueAsync(async () =>
        {
            var events = await EventsOf(site);
            if (events.Count > 0) id = Guid.Parse(events[^1].RowKey);
            return id is not null;
        }, "the event is in the event log");
        return id!.Value;
    }

    public async Task<string?> DeliveryStatusAsync(Guid eventId) =>
        (await DeliveryOf(eventId, "intercom"))?.GetString("Status");
}
