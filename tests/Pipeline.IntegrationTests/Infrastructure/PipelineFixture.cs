namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// One fresh Azurite, one Intercom stand-in and the local host wired to both, shared by a test class: a
/// <see cref="TestPipeline"/> started once. Derived fixtures add settings, services and stand-ins of their own.
/// </summary>
public class PipelineFixture : IAsyncLifetime
{
    private TestPipeline _pipeline = null!;

    public Azurite Azurite => _pipeline.Azurite!;
    public IntercomStandIn Intercom { get; } = new();
    public PipelineHost Host => _pipeline.Host;

    protected virtual bool IntercomConfigured => true;

    /// <summary>Settings a derived fixture adds before the host starts.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    /// <summary>Services a derived fixture adds (observers of the app's storage calls, say).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>The pipeline a derived fixture may extend further (its own stand-ins, say) before it starts.</summary>
    protected virtual TestPipeline.Builder Build(TestPipeline.Builder pipeline) => pipeline;

    public async Task InitializeAsync()
    {
        var builder = TestPipeline.Create()
            .WithIntercom(Intercom, withToken: IntercomConfigured)
            .WithSettings(Configure)
            .WithServices(ConfigureServices);
        _pipeline = await Build(builder).StartAsync();
    }

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    public async Task<List<TableEntity>> EventsOf(string siteId) =>
        await Host.Table(TableNames.Events).QueryAsync<TableEntity>(e => e.PartitionKey == "site:" + siteId).ToListAsync();

    public async Task<TableEntity?> DeliveryOf(Guid eventId, string destination)
    {
        var found = await Host.Table(TableNames.Deliveries).GetEntityIfExistsAsync<TableEntity>(eventId.ToString(), destination);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>A site id no other test uses, so tests sharing the fixture never see each other's events.</summary>
    public static string NewSiteId() => "site-" + Guid.NewGuid().ToString("N")[..12];
}

public sealed class UnconfiguredIntercomFixture : PipelineFixture
{
    protected override bool IntercomConfigured => false;
}
