using Microsoft.Playwright;

namespace Pipeline.IntegrationTests;

/// <summary>
/// The ops page in a real browser (the distribution's Chromium driven by Playwright): the operator enters the key,
/// sees a failed delivery, presses replay and sees it delivered, on a laptop-sized and a phone-sized window.
/// </summary>
public sealed class OpsPageBrowserTests(OperationsFixture fixture) : IClassFixture<OperationsFixture>
{
    [ChromiumTheory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task Operator_replays_a_failed_delivery_from_the_page_and_sees_it_delivered(int width, int height)
    {
        var site = PipelineFixture.NewSiteId();
        var outage = fixture.FailCompanies(site, 401);
        var eventId = await fixture.PushAsync(site);
        await Eventually.TrueAsync(async () => await fixture.DeliveryStatusAsync(eventId) == "Failed", "the delivery failed");
        fixture.Recover(outage);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var failedRequests = new List<string>();
        page.RequestFailed += (_, request) => failedRequests.Add(request.Url);
        var policy = await PolicyWatch.StartAsync(page);
        await page.GotoAsync(new Uri(fixture.Host.Client.BaseAddress!, "api/ops").ToString());

        await page.GetByLabel("Admin key").FillAsync(OperationsFixture.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();

        var row = page.Locator($"tr[data-event-id='{eventId}']");
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(row).ToContainTextAsync("Access Token Invalid");
        await Assertions.Expect(row.Locator("td.status")).ToHaveTextAsync("failed");
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new("^intercom, last 24 hours") })).ToBeVisibleAsync();

        await row.GetByRole(AriaRole.Button, new() { NameRegex = new("^Replay ") }).ClickAsync();

        await Assertions.Expect(row.Locator("td.status")).ToHaveTextAsync("delivered", new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("delivered");
        Assert.Equal(1, fixture.DeliveredCalls(site));
        if (Environment.GetEnvironmentVariable("OPS_PAGE_SCREENSHOTS") is { Length: > 0 } directory)
            await page.ScreenshotAsync(new() { Path = System.IO.Path.Combine(directory, $"ops-{width}.png"), FullPage = true });
        Assert.Empty(failedRequests);
        policy.AssertNone();
    }

    [ChromiumTheory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task After_a_sweep_the_sweep_panel_shows_its_facts_as_text_and_the_page_fits_the_window(int width, int height)
    {
        var started = await fixture.Host.Client.GetAsync("api/all");
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var sweepId = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("sweepId").GetString()!;
        await Eventually.TrueAsync(async () => (await fixture.AdminJsonAsync("api/ops/sweep")).GetProperty("status").GetString() == "done",
            "the sweep is done");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var policy = await PolicyWatch.StartAsync(page);
        await page.GotoAsync(new Uri(fixture.Host.Client.BaseAddress!, "api/ops").ToString());
        await page.GetByLabel("Admin key").FillAsync(OperationsFixture.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();

        var facts = page.Locator("#sweep dl.facts");
        await Assertions.Expect(facts).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(facts.Locator("dt")).ToHaveCountAsync(7);
        await Assertions.Expect(facts).ToContainTextAsync("done");
        await Assertions.Expect(facts).ToContainTextAsync(sweepId);
        Assert.DoesNotContain("[object", await facts.InnerTextAsync());
        await Assertions.Expect(page.Locator("#backlog tr[data-entity='recorded/subscriptions/intercom']")).ToBeVisibleAsync();
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        var (pageWidth, windowWidth) = (widths[0], widths[1]);
        Assert.True(pageWidth <= windowWidth, $"the page is {pageWidth} px wide in a {windowWidth} px window");
        policy.AssertNone();
    }

    [ChromiumFact]
    public async Task The_page_runs_under_a_policy_that_refuses_inline_script_and_style_with_no_violation()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var policy = await PolicyWatch.StartAsync(page);
        var response = await page.GotoAsync(new Uri(fixture.Host.Client.BaseAddress!, "api/ops").ToString());
        var csp = await response!.HeaderValueAsync("content-security-policy");
        Assert.DoesNotContain("unsafe-inline", csp);

        await page.GetByLabel("Admin key").FillAsync(OperationsFixture.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new("^intercom, last 24 hours") }))
            .ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#sweep")).Not.ToContainTextAsync("Loading");
        // The stylesheet applied: the legend's swatches take their colours from classes, not style attributes.
        Assert.Equal("rgb(26, 127, 55)", await page.Locator(".legend .swatch.delivered").First
            .EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        policy.AssertNone();

        // The watch sees what the policy refuses: an inline style added now is blocked and reported.
        await page.EvaluateAsync("() => document.body.setAttribute('style', 'color: red')");
        await Eventually.TrueAsync(() => policy.Violations.Any(v => v.Contains("style-src")), "the inline style is reported as refused");
        Assert.NotEqual("rgb(255, 0, 0)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).color"));
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Chromium.Path,
        Headless = true,
        Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
    });

    [ChromiumFact]
    public async Task A_wrong_key_brings_the_key_form_back_with_the_reason()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Host.Client.BaseAddress!, "api/ops").ToString());
        await page.GetByLabel("Admin key").FillAsync("not-the-key");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("refused", new() { Timeout = 10_000 });
        await Assertions.Expect(page.GetByLabel("Admin key")).ToBeFocusedAsync();
    }
}

public sealed class FunctionKeyOperationsFixture : PipelineFixture
{
    public const string AdminKey = "ops-keyed-admin-key";
    public const string FunctionKey = "ops-keyed-function-key";

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Admin:ApiKey"] = AdminKey;
        settings["LocalHost:FunctionKey"] = FunctionKey;
    }
}

/// <summary>
/// The ops page where the host requires function keys on <c>/api/ops/…</c>, as in Azure: the operator gives both keys,
/// and a refusal names the key that was refused.
/// </summary>
public sealed class OpsPageFunctionKeyBrowserTests(FunctionKeyOperationsFixture fixture) : IClassFixture<FunctionKeyOperationsFixture>
{
    private async Task<IPage> OpenAsync(IBrowser browser, string adminKey, string? functionKey, PolicyWatch? policy = null)
    {
        var page = await browser.NewPageAsync();
        if (policy is not null) await policy.AttachAsync(page);
        await page.GotoAsync(new Uri(fixture.Host.Client.BaseAddress!, "api/ops").ToString());
        await page.GetByLabel("Admin key").FillAsync(adminKey);
        if (functionKey is not null) await page.GetByLabel("Function key").FillAsync(functionKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        return page;
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Chromium.Path,
        Headless = true,
        Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
    });

    [ChromiumFact]
    public async Task With_both_keys_the_page_shows_every_panel()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);

        var policy = new PolicyWatch();
        var page = await OpenAsync(browser, FunctionKeyOperationsFixture.AdminKey, FunctionKeyOperationsFixture.FunctionKey, policy);

        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new("^intercom, last 24 hours") }))
            .ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#backlog tr[data-entity='events']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#dead-letters")).ToContainTextAsync("recorded/subscriptions/intercom: 0 dead-lettered");
        await Assertions.Expect(page.Locator("#sweep")).ToContainTextAsync("No statistics sweep has run yet.");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).Not.ToContainTextAsync("refused");
        Assert.Equal(FunctionKeyOperationsFixture.FunctionKey, await page.EvaluateAsync<string>("() => sessionStorage.getItem('opsFunctionKey')"));
        policy.AssertNone();
    }

    [ChromiumFact]
    public async Task Without_the_function_key_the_page_asks_for_it_not_for_the_admin_key()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);

        var page = await OpenAsync(browser, FunctionKeyOperationsFixture.AdminKey, null);

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("function key was refused or is missing", new() { Timeout = 10_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).Not.ToContainTextAsync("admin key");
        await Assertions.Expect(page.GetByLabel("Function key")).ToBeFocusedAsync();
    }

    [ChromiumFact]
    public async Task With_the_function_key_a_wrong_admin_key_is_named_as_the_one_refused()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);

        var page = await OpenAsync(browser, "not-the-admin-key", FunctionKeyOperationsFixture.FunctionKey);

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The admin key was refused", new() { Timeout = 10_000 });
        await Assertions.Expect(page.GetByLabel("Admin key")).ToBeFocusedAsync();
    }
}

/// <summary>
/// What the page's Content-Security-Policy refused (each <c>securitypolicyviolation</c> event) and every error the
/// console showed (Chromium also logs a refusal there), from the first navigation on.
/// </summary>
public sealed class PolicyWatch
{
    private readonly List<string> _violations = [];

    public IReadOnlyList<string> Violations { get { lock (_violations) return [.. _violations]; } }

    public static async Task<PolicyWatch> StartAsync(IPage page)
    {
        var watch = new PolicyWatch();
        await watch.AttachAsync(page);
        return watch;
    }

    public async Task AttachAsync(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error") Add("console: " + message.Text);
        };
        await page.ExposeFunctionAsync("reportPolicyViolation", (string text) => Add("policy: " + text));
        await page.AddInitScriptAsync("""
            document.addEventListener("securitypolicyviolation", (e) =>
              window.reportPolicyViolation(`${e.effectiveDirective} refused ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
            """);
    }

    public void AssertNone() => Assert.True(Violations.Count == 0, "the page broke its policy or logged errors:\n" + string.Join("\n", Violations));

    private void Add(string text)
    {
        lock (_violations) _violations.Add(text);
    }
}
