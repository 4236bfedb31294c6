using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Functions.IAdvize;
using Pipeline.Functions.Intercom;
using Pipeline.Functions.Reportei;
using Pipeline.Functions.Tracking;

namespace Pipeline.UnitTests;

/// <summary>The start-up summary: every credential's area is named, on or off, with the setting that turns it on.</summary>
public sealed class StartupSummaryTests
{
    private static IReadOnlyList<StartupLine> Summary(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        T Bind<T>(string section) where T : new()
        {
            var options = new T();
            configuration.GetSection(section).Bind(options);
            return options;
        }
        IStartupReport[] modules =
        [
            new IntercomStartupReport(Options.Create(Bind<IntercomOptions>(IntercomOptions.Section))),
            new IAdvizeStartupReport(Options.Create(Bind<IAdvizeOptions>(IAdvizeOptions.Section))),
            new TrackingStartupReport(Options.Create(Bind<TrackingOptions>(TrackingOptions.Section))),
            new ReporteiStartupReport(Options.Create(Bind<ReporteiOptions>(ReporteiOptions.Section))),
        ];
        return new StartupSummary(configuration, modules, NullLogger<StartupSummary>.Instance)
            .Lines().ToList();
    }

    [Fact]
    public void With_nothing_set_each_credential_says_what_it_turns_off()
    {
        var lines = Summary(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });

        var off = lines.Where(l => !l.On).ToDictionary(l => l.Area, l => l.Text);
        Assert.Contains("Intercom__AccessToken", off["Intercom"]);
        Assert.Contains("Skipped", off["Intercom"]);
        Assert.Contains("IAdvize__ApiKey", off["iAdvize visitor sync"]);
        Assert.Contains("IAdvize__WebhookSecret", off["iAdvize webhooks"]);
        Assert.Contains("IAdvize__ConnectorToken", off["iAdvize connector"]);
        Assert.Contains("Tracking__AppKeys__0", off["tracking"]);
        Assert.Contains("Admin__ApiKey", off["admin API"]);
        Assert.Contains("Reportei__Tokens__0", off["Reportei"]);
        Assert.Contains("Reportei__WebhookSecret", off["Reportei callbacks"]);
        Assert.Contains("LocalHost__FunctionKey", off["function keys"]);
        Assert.Contains(lines, l => l is { Area: "storage", On: true } && l.Text.Contains("Azurite"));
    }

    [Fact]
    public void With_every_credential_set_all_is_on_and_no_secret_is_shown()
    {
        var secrets = new Dictionary<string, string?>
        {
            ["Intercom:AccessToken"] = "intercom-secret-1",
            ["IAdvize:ApiKey"] = "iadvize-secret-2",
            ["IAdvize:WebhookSecret"] = "iadvize-secret-3",
            ["IAdvize:ConnectorToken"] = "iadvize-secret-4",
            ["Tracking:AppKeys:0"] = "tracking-secret-5",
            ["Admin:ApiKey"] = "admin-secret-6",
            ["Reportei:Tokens:0"] = "reportei-secret-7",
            ["Reportei:WebhookSecret"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            ["LocalHost:FunctionKey"] = "function-secret-8",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317",
        };
        var lines = Summary(new Dictionary<string, string?>(secrets) { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });

        Assert.All(lines, l => Assert.True(l.On, $"{l.Area}: {l.Text}"));
        Assert.All(lines, l => Assert.DoesNotContain(secrets.Values, v => l.Text.Contains(v!)));
    }

    [Fact]
    public void Storage_is_named_by_its_endpoints_without_the_account_key()
    {
        const string connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5LXRoYXQtbXVzdC1ub3Qtc2hvdw==;" +
                                  "QueueEndpoint=http://127.0.0.1:41001/devstoreaccount1;TableEndpoint=http://127.0.0.1:41002/devstoreaccount1;";
        var storage = Assert.Single(Summary(new() { ["AzureWebJobsStorage"] = connection }), l => l.Area == "storage");

        Assert.Equal("queue http://127.0.0.1:41001/devstoreaccount1, table http://127.0.0.1:41002/devstoreaccount1", storage.Text);
    }

    [Fact]
    public void A_Reportei_secret_without_its_format_is_off_and_says_so()
    {
        var lines = Summary(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["Reportei:WebhookSecret"] = "not base64!" });

        var callbacks = Assert.Single(lines, l => l.Area == "Reportei callbacks");
        Assert.False(callbacks.On);
        Assert.Contains("whsec_", callbacks.Text);
        Assert.Contains("usable value", callbacks.Text);
    }
}
