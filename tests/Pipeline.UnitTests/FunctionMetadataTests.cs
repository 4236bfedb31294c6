namespace Pipeline.UnitTests;

/// <summary>The function.json files the Functions host reads are generated from the C# declarations; these check them.</summary>
public sealed class FunctionMetadataTests
{
    private static readonly FunctionCatalog Catalog = BuildCatalog();

    private static FunctionCatalog BuildCatalog()
    {
        var app = PipelineApp.Build([], b => b.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }));
        return app.Services.GetRequiredService<FunctionCatalog>();
    }

    public static TheoryData<string> FunctionNames() => new(Catalog.All.Select(f => f.Definition.Name));

    private static JsonElement Bindings(string name) =>
        JsonDocument.Parse(FunctionMetadataWriter.ToFunctionJson(Catalog.Find(name)!.Definition)).RootElement.GetProperty("bindings");

    [Theory]
    [MemberData(nameof(FunctionNames))]
    public void Every_function_has_exactly_one_trigger_and_unique_binding_names(string name)
    {
        var bindings = Bindings(name).EnumerateArray().ToList();

        Assert.Single(bindings, b => b.GetProperty("direction").GetString() == "in");
        var names = bindings.Select(b => b.GetProperty("name").GetString()).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Push_is_a_function_key_post_route_with_no_output_binding_since_the_app_sends_through_the_sdk()
    {
        var bindings = Bindings("PushSegment");

        Assert.Equal("httpTrigger", bindings[0].GetProperty("type").GetString());
        Assert.Equal("function", bindings[0].GetProperty("authLevel").GetString());
        Assert.Equal(["post"], bindings[0].GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("push/{segment}", bindings[0].GetProperty("route").GetString());
        Assert.Equal("res", bindings[1].GetProperty("name").GetString());
        Assert.Equal(2, bindings.GetArrayLength());
    }

    /// <summary>Server-to-server routes need a function key in Azure; browser and app tracking (public appkey) and health do not.</summary>
    [Theory]
    [InlineData("PushSegment", "function")]
    [InlineData("StartStatisticsSweep", "function")]
    [InlineData("CreateAnalyticsEvent", "function")]
    [InlineData("CreateLeadAnalyticsEvent", "function")]
    [InlineData("CreateContactAnalyticsEvent", "function")]
    [InlineData("SearchLeadAnalytics", "function")]
    [InlineData("SearchContactAnalytics", "function")]
    [InlineData("TrackingWebInit", "anonymous")]
    [InlineData("TrackingWebSend", "anonymous")]
    [InlineData("TrackingMobileInit", "anonymous")]
    [InlineData("TrackingMobileSend", "anonymous")]
    [InlineData("TrackingMobileSensors", "anonymous")]
    [InlineData("TrackingMobileGeo", "anonymous")]
    [InlineData("Health", "anonymous")]
    [InlineData("OpenApiDocument", "anonymous")]
    [InlineData("ApiDocs", "anonymous")]
    public void Http_routes_declare_the_auth_level_of_their_callers(string name, string authLevel)
    {
        var trigger = Bindings(name)[0];

        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString());
    }

    [Fact]
    public void The_recorder_is_a_service_bus_queue_trigger_that_auto_completes()
    {
        var trigger = Bindings("RecordEvent")[0];

        Assert.Equal("serviceBusTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("events", trigger.GetProperty("queueName").GetString());
        Assert.Equal("ServiceBusConnection", trigger.GetProperty("connection").GetString());
        Assert.True(trigger.GetProperty("autoCompleteMessages").GetBoolean());
    }

    [Theory]
    [InlineData("ForwardToIntercom", "intercom")]
    [InlineData("ForwardToIAdvize", "iadvize")]
    [InlineData("RollUpMetrics", "metrics-rollups")]
    [InlineData("IndexAnalyticsEvents", "analytics-index")]
    [InlineData("IndexIAdvizeVisitors", "visitor-index")]
    [InlineData("KeepSiteStatistics", "site-statistics")]
    public void Consumers_are_triggered_by_their_own_subscription_of_the_recorded_topic(string name, string subscription)
    {
        var trigger = Bindings(name)[0];

        Assert.Equal("serviceBusTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("recorded", trigger.GetProperty("topicName").GetString());
        Assert.Equal(subscription, trigger.GetProperty("subscriptionName").GetString());
        Assert.False(trigger.TryGetProperty("queueName", out _));
        Assert.True(trigger.GetProperty("autoCompleteMessages").GetBoolean());
    }

    /// <summary>Every function the app declares, written out by hand: a function added, renamed or lost changes this list.</summary>
    private static readonly string[] DeclaredFunctions =
    [
        "AdminMetricsJobs", "ApiDocs", "CreateAnalyticsEvent", "CreateContactAnalyticsEvent", "CreateLeadAnalyticsEvent",
        "DeliverySummary", "ForwardToIAdvize", "ForwardToIntercom", "GetEvent", "GetReplay", "GetSweep", "Health",
        "IAdvizeVerifyConnector", "IAdvizeVisitorProfile", "IAdvizeWebhook", "IndexAnalyticsEvents", "IndexIAdvizeVisitors",
        "KeepSiteStatistics", "ListDeadLetters", "ListDeliveries", "MetricsGetData", "MetricsGetDataAsync", "MetricsIntegration",
        "MetricsJob", "OpenApiDocument", "OpsPage", "PushSegment", "RecordEvent", "RequeueDeadLetters", "RollUpMetrics",
        "RunMetricsJob", "RunReplayPage", "RunStatisticsSweepPage", "SearchContactAnalytics", "SearchLeadAnalytics", "StartReplay",
        "StartStatisticsSweep", "StatisticsSweepTimer", "TrackingMobileGeo", "TrackingMobileInit", "TrackingMobileSend",
        "TrackingMobileSensors", "TrackingWebInit", "TrackingWebSend",
    ];

    [Fact]
    public void Metadata_is_written_one_folder_per_declared_function_and_nothing_else()
    {
        var root = Directory.CreateTempSubdirectory("metadata").FullName;
        try
        {
            FunctionMetadataWriter.WriteAll(Catalog, root);

            // What the host would find on disk, read back from the folder rather than from what the writer reports.
            Assert.Empty(Directory.GetFiles(root));
            var folders = Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(DeclaredFunctions, folders);
            foreach (var folder in folders)
            {
                var files = Directory.GetFiles(Path.Combine(root, folder!)).Select(Path.GetFileName);
                Assert.Equal(["function.json"], files);
                var bindings = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, folder!, "function.json"))).RootElement.GetProperty("bindings");
                Assert.Equal("in", bindings[0].GetProperty("direction").GetString());
                Assert.EndsWith("Trigger", bindings[0].GetProperty("type").GetString());
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Host_json_runs_the_published_handler_as_a_custom_handler_with_bundle_4()
    {
        var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "host.json"))).RootElement;

        Assert.Equal("2.0", hostJson.GetProperty("version").GetString());
        var description = hostJson.GetProperty("customHandler").GetProperty("description");
        Assert.Equal("Pipeline.Functions", Path.GetFileName(description.GetProperty("defaultExecutablePath").GetString()));
        Assert.False(hostJson.GetProperty("customHandler").GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal("[4.*, 5.0.0)", hostJson.GetProperty("extensionBundle").GetProperty("version").GetString());
    }

    /// <summary>Who may call what: the admin routes want the admin key, Reportei's its bearer token, iAdvize's connector calls its token.</summary>
    [Fact]
    public void Exactly_the_functions_that_need_a_credential_have_their_callers_checked_by_it()
    {
        var checkedBy = Catalog.All.OfType<Pipeline.Functions.Hosting.Worker.WorkerFunction>()
            .Where(f => f.CallerCheck is not null)
            .Select(f => $"{f.Definition.Name}: {f.CallerCheck!.GetType().Name}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(
        [
            "AdminMetricsJobs: AdminApiKey", "DeliverySummary: AdminApiKey", "GetEvent: AdminApiKey", "GetReplay: AdminApiKey",
            "GetSweep: AdminApiKey", "IAdvizeVerifyConnector: ConnectorToken", "IAdvizeVisitorProfile: ConnectorToken",
            "ListDeadLetters: AdminApiKey", "ListDeliveries: AdminApiKey", "MetricsGetData: ReporteiBearer",
            "MetricsGetDataAsync: ReporteiBearer", "MetricsIntegration: AdminApiKey", "MetricsJob: ReporteiBearer",
            "RequeueDeadLetters: AdminApiKey", "StartReplay: AdminApiKey",
        ], checkedBy);
    }
}
