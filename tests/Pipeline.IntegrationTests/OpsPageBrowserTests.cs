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
    }

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
