using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.Intercom;

namespace Pipeline.IntegrationTests;

public sealed class DataAttributesCommandTests
{
    [Fact]
    public async Task Creates_every_mapped_company_attribute_with_its_type_and_tolerates_existing_ones()
    {
        var intercom = new IntercomStandIn();
        intercom.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/data_attributes").UsingPost()
                .WithBody(b => b?.Contains("\"cart_recovered\"") == true))
            .AtPriority(0)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(400)
                .WithBody("""{"type":"error.list","errors":[{"code":"parameter_invalid","message":"Attribute already exists"}]}"""));
        await using var pipeline = await TestPipeline.Create().WithIntercom(intercom).AsCustomHandler().StartAsync();
        var host = pipeline.Host;
        var output = new StringWriter();

        var exitCode = await host.Services.GetRequiredService<DataAttributesCommand>().RunAsync(output, CancellationToken.None);

        Assert.Equal(0, exitCode);
        var sent = intercom.Calls("POST", "/data_attributes").Select(c => c.Body).ToList();
        Assert.Equal(DataAttributesCommand.All.Count, sent.Count);
        Assert.All(sent, b => Assert.Equal("company", b.GetProperty("model").GetString()));
        string TypeOf(string name) => sent.Single(b => b.GetProperty("name").GetString() == name).GetProperty("data_type").GetString()!;
        Assert.Equal("integer", TypeOf("cart_recovered"));
        Assert.Equal("date", TypeOf("account_cancelled_at"));
        Assert.Equal("boolean", TypeOf("payment_active"));
        Assert.Equal("float", TypeOf("stats_abandonment_rate"));
        Assert.Equal("string", TypeOf("money_recovered_currency"));
        Assert.Contains("cart_recovered (integer): exists", output.ToString());
    }

    [Fact]
    public async Task A_second_run_against_a_workspace_that_has_every_attribute_exits_0()
    {
        await using var azurite = await Azurite.StartAsync();
        using var intercom = new IntercomStandIn();
        // What Intercom answers for an attribute that exists (2.11).
        intercom.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/data_attributes").UsingPost())
            .AtPriority(0)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(400).WithBody(
                """{"type":"error.list","request_id":"r1","errors":[{"code":"parameter_invalid","message":"You already have 'x' in your company data. To save this as new company data, use a different name."}]}"""));
        await using var host = await PipelineHost.StartCustomHandlerAsync(PipelineHost.DefaultSettings(azurite.ConnectionString, intercom.Url));
        var output = new StringWriter();

        var exitCode = await host.Services.GetRequiredService<DataAttributesCommand>().RunAsync(output, CancellationToken.None);

        Assert.Equal(0, exitCode);
        Assert.Contains($"{DataAttributesCommand.All.Count} of {DataAttributesCommand.All.Count} attributes ready", output.ToString());
    }

    [Fact]
    public async Task Another_400_is_still_a_failure()
    {
        await using var azurite = await Azurite.StartAsync();
        using var intercom = new IntercomStandIn();
        intercom.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/data_attributes").UsingPost()
                .WithBody(b => b?.Contains("\"cart_recovered\"") == true))
            .AtPriority(0)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(400).WithBody(
                """{"type":"error.list","errors":[{"code":"parameter_invalid","message":"Data type is invalid"}]}"""));
        await using var host = await PipelineHost.StartCustomHandlerAsync(PipelineHost.DefaultSettings(azurite.ConnectionString, intercom.Url));

        var exitCode = await host.Services.GetRequiredService<DataAttributesCommand>().RunAsync(new StringWriter(), CancellationToken.None);

        Assert.Equal(1, exitCode);
    }

    [Fact]
    public void The_standard_company_field_name_is_never_created_as_a_custom_attribute() =>
        Assert.DoesNotContain(DataAttributesCommand.All, a => a.Name == "name");
}
