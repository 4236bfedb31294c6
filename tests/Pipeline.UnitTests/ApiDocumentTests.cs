using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions;
using Pipeline.Functions.ApiReference;
using Pipeline.Functions.Hosting;

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
    public void The_contract_check_accepts_documented_answers_and_refuses_the_rest(string method, string path, int status, string body,
        bool conforms)
    {
        var problem = new ApiContract(Json.Value).ProblemWithAnswer(method, path, status, "application/json", body);

        Assert.True(conforms == (problem is null), problem ?? "an answer the document does not describe was accepted");
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

        public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
