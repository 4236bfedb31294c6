using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Storage;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>One fresh Azurite, one Intercom stand-in and the local host wired to both, shared by a test class.</summary>
public class PipelineFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;
    public IntercomStandIn Intercom { get; } = new();
    public PipelineHost Host { get; private set; } = null!;

    protected virtual bool IntercomConfigured => true;

    /// <summary>Settings a derived fixture adds before the host starts.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    /// <summary>Services a derived fixture adds (observers of the app's storage calls, say).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartAsync();
        var settings = PipelineHost.DefaultSettings(Azurite.ConnectionString, IntercomConfigured ? Intercom.Url : null);
        Configure(settings);
        Host = await PipelineHost.StartLocalAsync(settings, ConfigureServices);
        await Eventually.TrueAsync(async () => (await Host.Client.GetAsync("api/health")).IsSuccessStatusCode,
            "the local host reports healthy");
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Intercom.Dispose();
        await Azurite.DisposeAsync();
    }

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
