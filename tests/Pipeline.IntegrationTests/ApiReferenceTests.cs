using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Pipeline.Functions.ApiReference;
using Pipeline.IntegrationTests.IAdvize;

namespace Pipeline.IntegrationTests;

/// <summary>
/// The API described: the document served at <c>/api/openapi.json</c>, the seed examples the tests send checked
/// against its request schemas, and the reference page at <c>/api/docs</c> rendering it in Chromium.
/// </summary>
public sealed class ApiReferenceTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private ApiContract Contract => new(fixture.Host.Services.GetRequiredService<ApiDocument>().Json);

    [Fact]
    public async Task The_document_is_served_anonymously_as_OpenAPI_3_1_json()
    {
        var response = await fixture.Host.Client.GetAsync("api/openapi.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("3.1.", document["openapi"]!.GetValue<string>());
        Assert.NotNull(document["paths"]!["/api/push/{segment}"]!["post"]);
        Assert.NotNull(document["components"]!["securitySchemes"]!["functionKeyQuery"]);
    }

    [Fact]
    public void Every_example_call_of_the_push_seed_matches_the_documented_body()
    {
        var examples = IntercomServiceContract.Examples();

        Assert.NotEmpty(examples);
        Assert.All(examples, example =>
        {
            var body = new JsonObject(example.Fields.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)JsonValue.Create(f.Value))));
            Assert.Null(Contract.ProblemWithRequest("post", "/api/push/{segment}", "application/json", body));
        });
    }

    [Fact]
    public void Every_webhook_example_of_the_iAdvize_seed_matches_the_documented_body()
    {
        Assert.NotEmpty(SeedWebhooks.Examples);
        Assert.All(SeedWebhooks.Examples, example =>
            Assert.Null(Contract.ProblemWithRequest("post", "/api/webhooks/iadvize", "application/json", JsonNode.Parse(example.Value)!)));
    }

    [Fact]
    public void A_body_the_push_seed_would_refuse_does_not_match_the_documented_body()
    {
        // The check has teeth: site_id as a number, as the README's tour shows being refused with a 400.
        var problem = Contract.ProblemWithRequest("post", "/api/push/{segment}", "application/json",
            JsonNode.Parse("""{"site_id":42,"cart_recovered":"25"}""")!);

        Assert.NotNull(problem);
        Assert.Contains("/site_id", problem);
    }

    [Fact]
    public async Task The_docs_page_and_its_files_carry_the_ops_page_security_headers()
    {
        foreach (var path in new[] { "api/docs", "api/docs?asset=docs.js", "api/docs?asset=swagger-ui-bundle.js", "api/docs?asset=swagger-ui.css" })
        {
            var response = await fixture.Host.Client.GetAsync(path);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.DoesNotContain("unsafe-eval", csp);
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
        var missing = await fixture.Host.Client.GetAsync("api/docs?asset=nope.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [ChromiumFact]
    public async Task The_docs_page_renders_every_route_of_the_document_under_its_policy_with_nothing_from_elsewhere()
    {
        var paths = JsonNode.Parse(fixture.Host.Services.GetRequiredService<ApiDocument>().Json)!["paths"]!.AsObject()
            .Select(p => p.Key).ToList();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var origin = fixture.Host.Client.BaseAddress!.GetLeftPart(UriPartial.Authority);
        var elsewhere = new List<string>();
        var failed = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(origin, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                lock (elsewhere) elsewhere.Add(request.Url);
        };
        page.RequestFailed += (_, request) => { lock (failed) failed.Add(request.Url); };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400) lock (failed) failed.Add($"{response.Status} {response.Url}");
        };
        var policy = await PolicyWatch.StartAsync(page);

        await page.GotoAsync(new Uri(fixture.Host.Client.BaseAddress!, "api/docs").ToString());

        await Assertions.Expect(page.Locator(".information-container .title")).ToContainTextAsync("Event pipeline", new() { Timeout = 20_000 });
        var rendered = page.Locator(".opblock .opblock-summary-path");
        await Assertions.Expect(rendered.First).ToBeVisibleAsync();
        var shown = (await rendered.AllInnerTextsAsync()).Select(t => t.Replace("\u200b", "").Trim()).ToHashSet();
        Assert.All(paths, path => Assert.Contains(path, shown));

        // Opening an operation shows what the document says of it: the push API's 404 and its function-key scheme.
        await page.Locator("#operations-Push-PushSegment .opblock-summary").ClickAsync();
        await Assertions.Expect(page.Locator("#operations-Push-PushSegment .responses-table"))
            .ToContainTextAsync("Unknown segment");
        Assert.Empty(elsewhere);
        Assert.Empty(failed);
        policy.AssertNone();
    }
}
