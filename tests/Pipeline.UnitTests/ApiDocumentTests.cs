using System.Diagnostics;
using System.Text.Json.Nodes;
using Pipeline.Functions.ApiReference;

namespace Pipeline.UnitTests;

/// <summary>
/// The published OpenAPI document: generated from the catalogue, it covers every HTTP function and method (or the
/// generation fails), and a published validator accepts it.
/// </summary>
public sealed class ApiDocumentTests
{
    private static readonly IServiceProvider App = PipelineApp.Build([], b => b.Configuration.AddInMemoryCollection(
        new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" })).Services;

    private static FunctionCatalog Catalog => App.GetRequiredService<FunctionCatalog>();

    private static IEnumerable<IApiDescription> Descriptions => App.GetServices<IApiDescription>();

    private static readonly Lazy<string> Json = new(() => App.GetRequiredService<ApiDocument>().Json);

    [Fact]
    public void Every_http_function_and_method_of_the_app_is_described()
    {
        // Lists what is missing, by function, method and path, rather than a bare count.
        Assert.Equal([], ApiDocumentGenerator.Undescribed(Catalog, Descriptions));
    }

    [Fact]
    public void An_http_function_with_no_description_stops_the_generation_and_is_named()
    {
        var catalog = new FunctionCatalog(Catalog.All.Append(new Undescribed()));

        var failure = Assert.Throws<InvalidOperationException>(() => ApiDocumentGenerator.Generate(catalog, Descriptions));

        Assert.Contains("Undescribed POST /api/not/described", failure.Message);
    }

    [Fact]
    public void The_document_has_every_route_and_method_of_the_catalogue_with_its_function_key_security()
    {
        var paths = JsonNode.Parse(Json.Value)!["paths"]!.AsObject();

        var http = Catalog.WithTrigger<HttpRoute>().ToList();
        Assert.NotEmpty(http);
        foreach (var (function, trigger) in http)
        {
            var path = ApiDocumentGenerator.PathOf(trigger.Route);
            Assert.True(paths.ContainsKey(path), $"{function.Definition.Name}: {path} is not in the document");
            foreach (var method in trigger.Methods)
            {
                var operation = paths[path]![method.ToLowerInvariant()];
                Assert.True(operation is not null, $"{function.Definition.Name}: {method} {path} is not in the document");
                var schemes = operation!["security"]!.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key)).ToList();
                Assert.Equal(trigger.AuthLevel != AuthLevel.Anonymous, schemes.Contains(ApiDocumentGenerator.FunctionKeyHeader));
                Assert.NotNull(operation["responses"]!["500"]);
            }
        }
        Assert.Equal(http.Select(f => ApiDocumentGenerator.PathOf(f.Trigger.Route)).Distinct().Order(), paths.Select(p => p.Key).Order());
    }

    [Fact]
    public void Every_example_the_document_gives_matches_its_own_request_schema()
    {
        var contract = new ApiContract(Json.Value);

        var examples = contract.RequestExamples().ToList();

        Assert.Contains(examples, e => e.Path == "/api/push/{segment}");
        Assert.Contains(examples, e => e.MediaType == "application/x-www-form-urlencoded");
        Assert.All(examples, e => Assert.Null(contract.ProblemWithRequest(e.Method, e.Path, e.MediaType, e.Value)));
    }

    [Fact]
    public void The_published_validator_accepts_the_document_and_refuses_a_broken_one()
    {
        var broken = JsonNode.Parse(Json.Value)!.AsObject();
        broken.Remove("info");

        var (validCode, validOutput) = Validate(Json.Value);
        var (brokenCode, brokenOutput) = Validate(broken.ToJsonString());

        Assert.True(validCode == 0, validOutput);
        Assert.Contains("\"valid\": true", validOutput);
        Assert.NotEqual(0, brokenCode);
        Assert.Contains("info", brokenOutput);
    }

    [Theory]
    [InlineData("POST", "/api/push/cart_recovered", 200, """{"code":"200","message":"ok"}""", true)]
    [InlineData("POST", "/api/push/cart_recovered", 400, """{"code":"400","message":{"site_id":"must be a string"}}""", true)]
    [InlineData("POST", "/api/push/cart_recovered", 200, """{"code":200,"message":"ok"}""", false)]
    [InlineData("POST", "/api/push/cart_recovered", 418, """{"code":"418","message":"teapot"}""", false)]
    [InlineData("GET", "/api/admin/sweep", 401, """{"error":"unauthorized","message":"the X-Api-Key header is missing or wrong"}""", true)]
    [InlineData("GET", "/api/ops/sweep", 401, """{"code":"401","message":"this route needs a function key"}""", true)]
    [InlineData("GET", "/api/ops/sweep", 401, """{"message":"no"}""", false)]
    [InlineData("GET", "/api/push/cart_recovered", 405, """{"code":"405","message":"method GET is not allowed here; use POST"}""", true)]
    [InlineData("GET", "/api/push/cart_recovered", 200, """{}""", false)]
    [InlineData("GET", "/api/nowhere", 404, "", true)]
    [InlineData("GET", "/api/nowhere", 200, "{}", false)]
    // Fixed shapes: a field renamed, retyped, added or lost breaks the check.
    [InlineData("GET", "/api/ops/replays/0193a5e0-0000-7000-8000-0000000000a1", 200, """{"replay_id":"0193a5e0-0000-7000-8000-0000000000a1","status":"done","request":{"destination":"intercom","status":"failed","since":"2026-11-21T10:00:00.000Z","until":"2026-11-22T10:00:00.000Z","subject":null,"event_ids":null,"dry_run":false,"force":false},"matched":2,"queued":1,"refused":1,"pages":1,"refusals":[{"event_id":"0193a5e0-0000-7000-8000-0000000000e1","reason":"already delivered"}],"started_at":"2026-11-22T10:00:00.000Z","updated_at":"2026-11-22T10:00:01.000Z"}""", true)]
    [InlineData("GET", "/api/ops/replays/0193a5e0-0000-7000-8000-0000000000a1", 200, """{"replay_id":"0193a5e0-0000-7000-8000-0000000000a1","status":"done","request":{"destination":"intercom","status":"failed","since":"2026-11-21T10:00:00.000Z","until":"2026-11-22T10:00:00.000Z","subject":null,"event_ids":null,"dry_run":false,"force":false},"matched":2,"queued":1,"refused":1,"pages":1,"page":1,"refusals":[{"event_id":"0193a5e0-0000-7000-8000-0000000000e1","reason":"already delivered"}],"started_at":"2026-11-22T10:00:00.000Z","updated_at":"2026-11-22T10:00:01.000Z"}""", false)]
    [InlineData("GET", "/api/ops/replays/0193a5e0-0000-7000-8000-0000000000a1", 200, """{"replay_id":"0193a5e0-0000-7000-8000-0000000000a1","status":"finished","request":{"destination":"intercom","status":"failed","since":"2026-11-21T10:00:00.000Z","until":"2026-11-22T10:00:00.000Z","subject":null,"event_ids":null,"dry_run":false,"force":false},"matched":2,"queued":1,"refused":1,"pages":1,"refusals":[{"event_id":"0193a5e0-0000-7000-8000-0000000000e1","reason":"already delivered"}],"started_at":"2026-11-22T10:00:00.000Z","updated_at":"2026-11-22T10:00:01.000Z"}""", false)]
    [InlineData("GET", "/api/ops/replays/0193a5e0-0000-7000-8000-0000000000a1", 200, """{"replay_id":"0193a5e0-0000-7000-8000-0000000000a1","status":"done"}""", false)]
    [InlineData("POST", "/api/ops/replay", 202, """{"replay_id":"0193a5e0-0000-7000-8000-0000000000a1","status":"running","request":{"destination":"intercom","status":"failed","since":"2026-11-21T10:00:00.000Z","until":"2026-11-22T10:00:00.000Z","subject":null,"event_ids":null,"dry_run":false,"force":false},"matched":2,"queued":1,"refused":1,"pages":1,"refusals":[{"event_id":"0193a5e0-0000-7000-8000-0000000000e1","reason":"already delivered"}],"started_at":"2026-11-22T10:00:00.000Z","updated_at":"2026-11-22T10:00:01.000Z","count":2,"progress":"/api/ops/replays/0193a5e0-0000-7000-8000-0000000000a1"}""", true)]
    [InlineData("POST", "/api/ops/replay", 200, """{"count":1,"count_is_capped":false,"would_queue":1,"would_refuse":0,"event_ids":["0193a5e0-0000-7000-8000-0000000000e1"],"refusals":[],"dry_run":true,"request":{"destination":"intercom","status":"failed","since":"2026-11-21T10:00:00.000Z","until":"2026-11-22T10:00:00.000Z","subject":null,"event_ids":null,"dry_run":false,"force":false}}""", true)]
    [InlineData("POST", "/api/ops/replay", 200, """{"count":1,"dry_run":true}""", false)]
    [InlineData("GET", "/api/ops/dead-letters", 200, """{"supported":true,"queues":[{"queue":"events","dead_letter_queue":"events-poison","count":1,"messages":[{"message_id":"m1","reason":"failed 4 times","function":"RecordEvent","delivery_count":4,"dead_lettered_at":"2026-11-22T10:00:00.000Z","event_id":null,"event_type":null,"subject":null,"message":"not json"}]}]}""", true)]
    [InlineData("GET", "/api/ops/dead-letters", 200, """{"supported":true,"queues":[{"queue":"events","dead_letter_queue":"events-poison","count":"1","messages":[]}]}""", false)]
    [InlineData("GET", "/api/ops/dead-letters", 200, """{"supported":true,"queues":[{"name":"events","dead_letter_queue":"events-poison","count":1,"messages":[]}]}""", false)]
    [InlineData("POST", "/api/ops/dead-letters/requeue", 200, """{"queue":"events","requeued":1,"message_ids":["m1"],"not_found":["m2"],"failed":[]}""", true)]
    [InlineData("POST", "/api/ops/dead-letters/requeue", 200, """{"queue":"events","requeued":1}""", false)]
    [InlineData("GET", "/api/ops/summary", 200, """{"since":"2026-11-22T10:00:00.000Z","until":"2026-11-22T10:30:00.000Z","destinations":[{"destination":"intercom","totals":{"delivered":1,"failed":0,"skipped":0,"retrying":0,"in_flight":0,"replaying":0},"truncated":false,"hours":[{"delivered":1,"failed":0,"skipped":0,"retrying":0,"in_flight":0,"replaying":0,"hour":"2026-11-22T10:00:00.000Z"}]}],"backlog_sampled_at":null,"backlog":[{"entity":"events","active":0,"scheduled":null,"dead_lettered":0,"growing":false,"note":null,"error":null}]}""", true)]
    [InlineData("GET", "/api/ops/summary", 200, """{"since":"2026-11-22T10:00:00.000Z","until":"2026-11-22T10:30:00.000Z","destinations":[{"destination":"intercom","totals":{"delivered":1},"truncated":false,"hours":[]}],"backlog_sampled_at":null,"backlog":[]}""", false)]
    [InlineData("GET", "/api/health", 200, """{"status":"healthy","storage":"reachable","reasons":[],"backlog_sampled_at":null,"backlog":[{"entity":"events","active":0,"scheduled":null,"dead_lettered":0,"growing":false,"note":null}]}""", false)]
    public void The_contract_check_accepts_documented_answers_and_refuses_the_rest(string method, string path, int status, string body,
        bool conforms)
    {
        var problem = new ApiContract(Json.Value).ProblemWithAnswer(method, path, status, "application/json", body);

        Assert.True(conforms == (problem is null), problem ?? "an answer the document does not describe was accepted");
    }

    /// <summary>Request bodies as callers send them: the tracking fields nested in JSON, an iAdvize event from the seed.</summary>
    [Theory]
    [InlineData("/api/jsapi/send", "application/json",
        """{"appkey":"k","uid":"u1","uType":"c","actionType":"visit","requestType":"action","aditionalData":{"brands":["Zara","Adidas"],"tenants":"H&M","rating":7.5}}""", true)]
    [InlineData("/api/jsapi/send", "application/json", """{"appkey":"k","uid":"u1","actionType":"shopping","requestType":"action"}""", false)]
    [InlineData("/api/jsapi/send", "application/json", """{"appkey":"k","uid":"u1","actionType":"visit","requestType":"action","aditionalData":{"senderType":"robot"}}""", false)]
    [InlineData("/api/jsapi/send", "application/json", """{"uid":"u1","actionType":"visit","requestType":"action"}""", false)]
    [InlineData("/api/mobileapi/sensors", "application/json", """{"appkey":"k","mid":"m1","sensors":[{"uuid":"2376-34342","rssi":"5","distance":4}]}""", true)]
    [InlineData("/api/mobileapi/sensors", "application/json", """{"appkey":"k","mid":"m1","sensors":{"uuid":["a","b"],"rssi":["5","6"]}}""", true)]
    [InlineData("/api/mobileapi/sensors", "application/json", """{"appkey":"k","mid":"m1","sensors":[{"rssi":"5"}]}""", false)]
    [InlineData("/api/webhooks/iadvize", "application/json",
        """{"eventId":"d36cd3c4-2d16-4a77-97c2-620bde859b29","eventType":"user.created","platform":"sd","clientId":1,"userId":1,"createdAt":"2017-04-22T11:01:00+02:00","sentAt":"2017-04-22T11:01:00+02:00"}""", true)]
    [InlineData("/api/webhooks/iadvize", "application/json", """{"eventType":"user.created","userId":{"id":1}}""", false)]
    [InlineData("/api/webhooks/iadvize", "application/x-www-form-urlencoded", """{"eventType":"satisfaction.filled","score":"3","visitorId":"v1"}""", true)]
    [InlineData("/api/webhooks/iadvize", "application/x-www-form-urlencoded", """{"payload":"{\"eventType\":\"user.created\"}"}""", true)]
    [InlineData("/api/webhooks/iadvize", "application/x-www-form-urlencoded", """{"eventType":"satisfaction.filled","score":"three"}""", false)]
    public void Request_bodies_are_described_field_by_field(string path, string mediaType, string body, bool conforms)
    {
        var problem = new ApiContract(Json.Value).ProblemWithRequest("post", path, mediaType, JsonNode.Parse(body)!);

        Assert.True(conforms == (problem is null), problem ?? "a body the route refuses was accepted");
    }

    [Theory]
    [InlineData(200, 200, """{"code":"200","message":"ok"}""", true)]
    [InlineData(200, 200, """{"code":200,"message":"ok"}""", false)]
    [InlineData(200, 418, """{"code":"418","message":"teapot"}""", false)]
    [InlineData(500, 200, """{"code":200}""", true)] // a failed invocation is the host's to retry, not an answer
    public void The_contract_check_reads_a_custom_handlers_answer_as_the_caller_gets_it(int invocationStatus, int status, string body,
        bool conforms)
    {
        var payload = HostPayloads.Http("PushSegment", "post", "push/cart_recovered", body: """{"site_id":"42","cart_recovered":"25"}""",
            routeParams: new Dictionary<string, string> { ["segment"] = "cart_recovered" });
        var answer = new JsonObject
        {
            ["Outputs"] = new JsonObject
            {
                ["res"] = new JsonObject
                {
                    ["statusCode"] = status,
                    ["headers"] = new JsonObject { ["Content-Type"] = "application/json; charset=utf-8" },
                    ["body"] = body,
                },
            },
            ["Logs"] = new JsonArray(),
            ["ReturnValue"] = null,
        }.ToJsonString();

        var problem = new ApiContract(Json.Value).ProblemWithHostAnswer(payload, invocationStatus, answer);

        Assert.True(conforms == (problem is null), problem ?? "an answer the document does not describe was accepted");
    }

    [Fact]
    public void The_contract_check_leaves_queue_invocations_alone_and_refuses_an_HTTP_invocation_with_no_answer()
    {
        var contract = new ApiContract(Json.Value);
        const string done = """{"Outputs":{},"Logs":[],"ReturnValue":null}""";

        Assert.Null(contract.ProblemWithHostAnswer(HostPayloads.ServiceBus("RecordEvent", "message", "{}"), 200, done));
        Assert.Contains("no Outputs.res", contract.ProblemWithHostAnswer(HostPayloads.Http("Health", "get", "health"), 200, done));
    }

    /// <summary>@seriousme/openapi-schema-validator (package.json), the OpenAPI 3.1 schema's own check, run by node.</summary>
    private static (int ExitCode, string Output) Validate(string document)
    {
        var file = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, document);
        try
        {
            var cli = Path.Combine(RepositoryRoot.Find(), "node_modules", "@seriousme", "openapi-schema-validator", "bin", "validate-api-cli.js");
            Assert.True(File.Exists(cli), "run npm ci: the validator is a devDependency");
            using var node = Process.Start(new ProcessStartInfo("node", [cli, file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = node.StandardOutput.ReadToEndAsync();
            var errors = node.StandardError.ReadToEndAsync();
            Assert.True(node.WaitForExit(TimeSpan.FromSeconds(60)), "the validator did not finish");
            return (node.ExitCode, output.Result + errors.Result);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private sealed class Undescribed : IFunction
    {
        public FunctionBindings Definition { get; } = FunctionBindings.Http("Undescribed", "not/described", ["post"]);
    }
}
