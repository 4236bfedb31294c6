using System.Text.RegularExpressions;

namespace Pipeline.IntegrationTests;

/// <summary>
/// The published package (<c>./publish</c>) against the Functions host's side of the custom-handler protocol
/// (readiness on <c>GET /</c>, invocations on <c>POST /{name}</c>): its handler runs as its own process from <c>artifacts/publish/app-root</c> and is sent invocations shaped
/// exactly as the host sends them. One test per function of the catalogue, so a new function cannot skip it.
/// </summary>
public sealed class PublishedHandlerContractTests(PublishedHandlerContractTests.Fixture fixture)
    : IClassFixture<PublishedHandlerContractTests.Fixture>
{
    private static readonly FunctionCatalog Catalog = PipelineApp.Build([], b => b.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }))
        .Services.GetRequiredService<FunctionCatalog>();

    public static TheoryData<string> Functions() => new(Catalog.All.Select(f => f.Definition.Name));

    private PublishedHandler Handler => fixture.Handler;

    [Theory]
    [MemberData(nameof(Functions))]
    public async Task Each_function_is_in_the_package_and_answers_the_hosts_invocations_in_protocol_shape(string name)
    {
        var definition = Catalog.Find(name)!.Definition;
        var functionJson = Path.Combine(PublishedHandler.AppRoot, name, "function.json");
        Assert.True(File.Exists(functionJson), $"the package has no {name}/function.json: run ./publish");
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(FunctionMetadataWriter.ToFunctionJson(definition)).RootElement,
            JsonDocument.Parse(File.ReadAllText(functionJson)).RootElement), $"{name}/function.json is not what the declaration generates: run ./publish");

        switch (definition.Trigger)
        {
            case HttpRoute http:
                foreach (var method in http.Methods)
                {
                    var (path, routeParams) = FillRoute(http.Route);
                    var hasBody = method.ToUpperInvariant() is not ("GET" or "HEAD" or "DELETE");
                    // An empty JSON object, then a body that is not JSON at all: either is the caller's problem, never a 5xx.
                    foreach (var body in hasBody ? new string?[] { "{}", "not json {" } : [null])
                    {
                        var answer = await Handler.InvokeAsync(name, HostPayloads.Http(name, method, path,
                            query: "page=1&page=2&contract=yes", body: body, routeParams: routeParams));
                        AssertHttpInvocation(definition, answer, $"{method} /api/{path} body {body ?? "(none)"}");
                    }
                }
                break;

            case MessageTrigger queue:
                // A well-formed envelope the function has never seen, encoded once and twice: the same outcome either way,
                // a protocol-shaped answer (a non-2xx fails the invocation, so Service Bus redelivers), never a dropped call.
                var envelope = Envelope("contract.unknown", "contract:" + Guid.NewGuid().ToString("N")[..8], """{"note":"contract"}""");
                var once = await Handler.InvokeAsync(name, HostPayloads.ServiceBus(name, queue.BindingName, envelope));
                var twice = await Handler.InvokeAsync(name, HostPayloads.ServiceBus(name, queue.BindingName, envelope, encodedTwice: true,
                    deliveryCount: 2));
                AssertQueueInvocation(definition, once, "encoded once");
                AssertQueueInvocation(definition, twice, "encoded twice");
                Assert.Equal(once.Status is >= 200 and < 300, twice.Status is >= 200 and < 300);
                if (once.Status == 200) Assert.Equal(OutputNames(once), OutputNames(twice));

                var garbage = await Handler.InvokeAsync(name, HostPayloads.ServiceBus(name, queue.BindingName, "not json {"));
                AssertQueueInvocation(definition, garbage, "a body that is not JSON");
                break;

            case TimerSchedule timer:
                var tick = await Handler.InvokeAsync(name, HostPayloads.Timer(name, timer.BindingName));
                Assert.True(tick.Status == 200, $"timer invocation answered {tick.Status}: {tick.Text}");
                AssertResponseShape(definition, tick);
                var pastDue = await Handler.InvokeAsync(name, HostPayloads.Timer(name, timer.BindingName, isPastDue: true));
                AssertQueueInvocation(definition, pastDue, "past due");
                break;

            default:
                Assert.Fail($"no host-shaped invocation for a {definition.Trigger.GetType().Name}: add one to this test");
                break;
        }

        Assert.False(Handler.HasExited, $"the handler exited: {Handler.Output}");
        Assert.Equal(HttpStatusCode.OK, (await Handler.Client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task A_push_travels_through_the_published_handler_as_the_host_carries_it_between_functions()
    {
        var siteId = "contract-" + Guid.NewGuid().ToString("N")[..10];
        var push = Catalog.WithTrigger<HttpRoute>().Single(f => f.Trigger.Route == "push/{segment}").Function;

        var accepted = await Handler.InvokeAsync(push.Definition.Name, HostPayloads.Http(push.Definition.Name, "post", "push/cart_recovered",
            body: $$"""{"site_id":"{{siteId}}","cart_recovered":"25"}""", routeParams: new Dictionary<string, string> { ["segment"] = "cart_recovered" }));
        Assert.Equal(200, accepted.Status);
        Assert.Equal(200, accepted.Json.GetProperty("Outputs").GetProperty(HttpRoute.ResponseBindingName).GetProperty("statusCode").GetInt32());

        // The handler sent the accepted event to the events queue itself (Azurite stands in for Service Bus here), with
        // its id as the message id and its type as a property; the host hands the body over as text, the properties as metadata.
        var driver = new ServiceBusHostDriver(Handler, fixture.Azurite.ConnectionString);
        var toEvents = await driver.TakeAsync(QueueNames.Events, TimeSpan.FromSeconds(10));
        var eventId = JsonDocument.Parse(toEvents.Body).RootElement.GetProperty("id").GetString();
        Assert.Equal(eventId, toEvents.MessageId);
        Assert.Equal("push.cart_recovered", toEvents.Properties["type"]);
        var recorder = Catalog.WithTrigger<MessageTrigger>().Single(f => f.Trigger.QueueName == QueueNames.Events).Function.Definition;
        var recorded = await Handler.InvokeAsync(recorder.Name, HostPayloads.ServiceBus(recorder.Name, recorder.Trigger.BindingName,
            toEvents.Body, messageId: toEvents.MessageId, properties: toEvents.Properties));
        Assert.True(recorded.Status == 200, recorded.Text);

        // Published once to the topic; the intercom subscription's filter took it.
        var toIntercom = await driver.TakeAsync(SubscriptionQueues.Intercom, TimeSpan.FromSeconds(10));
        Assert.Equal(eventId, toIntercom.MessageId);
        var forwarder = Forwarder;
        var forwarded = await Handler.InvokeAsync(forwarder.Name,
            HostPayloads.ServiceBus(forwarder.Name, forwarder.Trigger.BindingName, toIntercom.Body, encodedTwice: true,
                messageId: toIntercom.MessageId, properties: toIntercom.Properties));
        Assert.True(forwarded.Status == 200, forwarded.Text);

        var upsert = Assert.Single(fixture.Intercom.CompanyCalls(siteId));
        Assert.Equal(25, upsert.GetProperty("custom_attributes").GetProperty("cart_recovered").GetInt32());
    }

    [Fact]
    public async Task The_package_carries_the_ops_page_and_its_script_and_stylesheet()
    {
        var page = Catalog.WithTrigger<HttpRoute>().Single(f => f.Trigger.Route == AdminRoutes.Prefix).Function.Definition;

        foreach (var (asset, type, content) in new[] { ((string?)null, "text/html", "<title>Pipeline operations</title>"),
                     ("ops.js", "text/javascript", "x-functions-key"), ("ops.css", "text/css", ".badge") })
        {
            var answer = await Handler.InvokeAsync(page.Name, HostPayloads.Http(page.Name, "get", AdminRoutes.Prefix,
                query: asset is null ? null : "asset=" + asset));

            var response = answer.Json.GetProperty("Outputs").GetProperty(HttpRoute.ResponseBindingName);
            Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
            Assert.StartsWith(type, response.GetProperty("headers").GetProperty("Content-Type").GetString());
            Assert.Contains(content, response.GetProperty("body").GetString());
        }
    }

    [Fact]
    public async Task A_callers_4xx_is_a_successful_invocation_carrying_the_4xx_and_no_message()
    {
        var push = Catalog.WithTrigger<HttpRoute>().Single(f => f.Trigger.Route == "push/{segment}").Function.Definition;

        var answer = await Handler.InvokeAsync(push.Name, HostPayloads.Http(push.Name, "post", "push/cart_recovered",
            body: """{"site_id":42}""", routeParams: new Dictionary<string, string> { ["segment"] = "cart_recovered" }));

        Assert.Equal(200, answer.Status);
        var outputs = answer.Json.GetProperty("Outputs");
        Assert.Equal(400, outputs.GetProperty(HttpRoute.ResponseBindingName).GetProperty("statusCode").GetInt32());
        Assert.Contains("site_id", outputs.GetProperty(HttpRoute.ResponseBindingName).GetProperty("body").GetString());
        Assert.Equal([HttpRoute.ResponseBindingName], OutputNames(answer));
    }

    [Fact]
    public async Task A_destination_down_for_a_while_loses_nothing_and_dead_letters_nothing_when_the_host_redelivers_failures_at_once()
    {
        // Service Bus makes a failed invocation's message available again at once: ten deliveries would be spent in
        // under a second. The handler must not fail the invocation: it schedules the next attempt and completes.
        var siteId = "contract-down-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Intercom.FailFor(siteId, 500, TimeSpan.FromSeconds(4));
        var envelope = Envelope("push.cart_recovered", "site:" + siteId, $$"""{"site_id":"{{siteId}}","cart_recovered":3}""");
        var publisher = new Azure.Storage.Queues.QueueClient(fixture.Azurite.ConnectionString, SubscriptionQueues.Intercom,
            new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.None });
        var id = JsonDocument.Parse(envelope).RootElement.GetProperty("id").GetString()!;
        await publisher.SendMessageAsync(Pipeline.Functions.Messaging.LocalMessageFrame.Wrap(
            new Pipeline.Functions.Messaging.OutgoingMessage(envelope, id)));
        var driver = new ServiceBusHostDriver(Handler, fixture.Azurite.ConnectionString);

        await driver.RunAsync(Forwarder, async () => fixture.Intercom.CompanyCalls(siteId).Count > 0
            && (await fixture.DeliveryStatus(id)) == "Delivered", TimeSpan.FromSeconds(45));

        Assert.Empty(driver.DeadLettered);
        var calls = fixture.Intercom.CompanyCalls(siteId).Count;
        Assert.True(calls >= 2, $"Intercom saw {calls} calls: the outage was not met");
        Assert.True(calls <= 6, $"Intercom saw {calls} calls in a 4 s outage: the retries are not backed off");
    }

    private static FunctionBindings Forwarder =>
        Catalog.WithTrigger<MessageTrigger>().Single(f => f.Trigger.Subscription == "intercom").Function.Definition;

    private static string Envelope(string type, string subject, string data) =>
        $$"""{"id":"{{Guid.CreateVersion7()}}","type":"{{type}}","source":"contract-test","subject":"{{subject}}","receivedAt":"{{DateTimeOffset.UtcNow:O}}","data":{{data}},"schemaVersion":1}""";

    /// <summary>A route template with every parameter filled: an integer for int/long constraints, text otherwise.</summary>
    private static (string Path, Dictionary<string, string> Params) FillRoute(string route)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var path = Regex.Replace(route, @"\{\*{0,2}([A-Za-z_][A-Za-z0-9_]*)(:[^}=?]*)?(=[^}?]*)?\??\}", m =>
        {
            var constraint = m.Groups[2].Value;
            var value = constraint.Contains("int") || constraint.Contains("long") ? "1"
                : constraint.Contains("guid") ? Guid.NewGuid().ToString() : "contract";
            values[m.Groups[1].Value] = value;
            return value;
        });
        return (path, values);
    }

    /// <summary>An HTTP invocation always succeeds (200); the caller's status, never a 5xx, is in <c>Outputs.res</c>.</summary>
    private static void AssertHttpInvocation(FunctionBindings definition, HostAnswer answer, string what)
    {
        Assert.True(answer.Status == 200, $"{definition.Name} {what}: invocation answered {answer.Status}: {answer.Text}");
        AssertResponseShape(definition, answer);
        var res = answer.Json.GetProperty("Outputs").GetProperty(HttpRoute.ResponseBindingName);
        Assert.Equal(JsonValueKind.Object, res.ValueKind);
        var status = res.GetProperty("statusCode").GetInt32();
        Assert.True(status is >= 200 and < 500, $"{definition.Name} {what}: the caller got {status}: {res}");
        Assert.Equal(JsonValueKind.Object, res.GetProperty("headers").ValueKind);
        Assert.Equal(JsonValueKind.String, res.GetProperty("body").ValueKind);
    }

    /// <summary>A queue or timer invocation either succeeds with a well-formed result or fails with a JSON error (non-2xx).</summary>
    private static void AssertQueueInvocation(FunctionBindings definition, HostAnswer answer, string what)
    {
        Assert.Equal("application/json", answer.MediaType);
        if (answer.Status is >= 200 and < 300)
        {
            AssertResponseShape(definition, answer);
            Assert.False(answer.Json.GetProperty("Outputs").TryGetProperty(HttpRoute.ResponseBindingName, out _));
        }
        else
        {
            Assert.True(answer.Status >= 400, $"{definition.Name} {what}: answered {answer.Status}");
            Assert.Equal(JsonValueKind.String, answer.Json.GetProperty("error").ValueKind);
        }
    }

    /// <summary>
    /// <c>{Outputs, Logs, ReturnValue}</c>: the HTTP answer under <c>res</c> and nothing else. Queue messages never go
    /// out as output bindings (they could carry no message id nor properties); the handler sends them itself.
    /// </summary>
    private static void AssertResponseShape(FunctionBindings definition, HostAnswer answer)
    {
        Assert.Equal("application/json", answer.MediaType);
        var json = answer.Json;
        Assert.Equal(JsonValueKind.Array, json.GetProperty("Logs").ValueKind);
        Assert.All(json.GetProperty("Logs").EnumerateArray(), l => Assert.Equal(JsonValueKind.String, l.ValueKind));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("ReturnValue").ValueKind);
        foreach (var output in json.GetProperty("Outputs").EnumerateObject())
        {
            Assert.True(output.Name == HttpRoute.ResponseBindingName && definition.Trigger is HttpRoute,
                $"{definition.Name}: output '{output.Name}' is not the HTTP answer");
            Assert.Equal(JsonValueKind.Object, output.Value.ValueKind);
        }
    }

    private static bool LooksLikeBase64(string value) =>
        value.Length % 4 == 0 && Regex.IsMatch(value, "^[A-Za-z0-9+/]*={0,2}$");

    private static string[] OutputNames(HostAnswer answer) =>
        answer.Json.GetProperty("Outputs").EnumerateObject().Select(o => o.Name).Order(StringComparer.Ordinal).ToArray();

    /// <summary>A fresh Azurite, an Intercom stand-in and the published handler wired to both, as app settings.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public Azurite Azurite { get; private set; } = null!;
        public IntercomStandIn Intercom { get; } = new();
        public PublishedHandler Handler { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await PublishedHandler.EnsurePublishedAsync();
            Azurite = await Azurite.StartAsync();
            Handler = await PublishedHandler.StartAsync(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = Azurite.ConnectionString,
                ["Intercom__BaseUrl"] = Intercom.Url,
                ["Intercom__AccessToken"] = "contract-token",
                ["Intercom__TimeoutSeconds"] = "10", // generous: the machine may be busy; no test here waits for a timeout
                ["Tracking__AppKeys__0"] = "contract-app",
                ["Retry__BaseDelaySeconds"] = "1", // short backoffs: the outage test waits them out
                ["Retry__MaxDelaySeconds"] = "2",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
            });
            // Health answers 503 until the tables exist; every other test wants storage ready.
            var health = Catalog.WithTrigger<HttpRoute>().Single(f => f.Trigger.Route == "health").Function.Definition.Name;
            await Eventually.TrueAsync(async () =>
            {
                var answer = await Handler.InvokeAsync(health, HostPayloads.Http(health, "get", "health"));
                return answer.Status == 200 && answer.Json.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32() == 200;
            }, "the published handler reports healthy storage");
        }

        public async Task<string?> DeliveryStatus(string eventId)
        {
            var table = new Azure.Data.Tables.TableClient(Azurite.ConnectionString, Pipeline.Functions.Storage.TableNames.Deliveries);
            var found = await table.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(eventId, "intercom");
            return found.HasValue ? found.Value!.GetString("Status") : null;
        }

        public async Task DisposeAsync()
        {
            if (Handler is not null) await Handler.DisposeAsync();
            Intercom.Dispose();
            if (Azurite is not null) await Azurite.DisposeAsync();
        }
    }
}
