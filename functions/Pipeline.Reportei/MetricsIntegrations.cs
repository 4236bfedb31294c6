namespace Pipeline.Functions.Reportei;

/// <summary>What one Reportei <c>customer_integration</c> covers: a site, a tracking app, an analytics customer, an iAdvize website.</summary>
public sealed record MetricsIntegration(Guid Id, string? SiteId, string? TrackingAppKey, string? AnalyticsCustomerId, string? IAdvizeWebsiteId)
{
    public static readonly string[] Fields = ["site_id", "tracking_app_key", "analytics_customer_id", "iadvize_website_id"];

    public string? Get(string field) => field switch
    {
        "site_id" => SiteId,
        "tracking_app_key" => TrackingAppKey,
        "analytics_customer_id" => AnalyticsCustomerId,
        "iadvize_website_id" => IAdvizeWebsiteId,
        _ => null,
    };
}

/// <summary>The registered integrations: PartitionKey = <c>integration</c>, RowKey = the uuid (lower case).</summary>
public sealed class MetricsIntegrations(StorageAccount storage)
{
    private const string Partition = "integration";

    /// <summary>This module's table, registered in its <c>Add…()</c>.</summary>
    public const string TableName = "MetricsIntegrations";

    private TableClient Table => storage.Table(TableName);

    public async Task PutAsync(MetricsIntegration integration, CancellationToken cancellationToken) =>
        await Table.UpsertEntityAsync(new TableEntity(Partition, integration.Id.ToString("D"))
        {
            ["SiteId"] = integration.SiteId,
            ["TrackingAppKey"] = integration.TrackingAppKey,
            ["AnalyticsCustomerId"] = integration.AnalyticsCustomerId,
            ["IAdvizeWebsiteId"] = integration.IAdvizeWebsiteId,
        }, TableUpdateMode.Replace, cancellationToken);

    public async Task<MetricsIntegration?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, id.ToString("D"), cancellationToken: cancellationToken);
        if (!found.HasValue) return null;
        var e = found.Value!;
        return new MetricsIntegration(id, e.GetString("SiteId"), e.GetString("TrackingAppKey"), e.GetString("AnalyticsCustomerId"),
            e.GetString("IAdvizeWebsiteId"));
    }

    /// <returns>false when there was nothing to delete.</returns>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Table.DeleteEntityAsync(Partition, id.ToString("D"), Azure.ETag.All, cancellationToken);
            return response.Status != 404;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }
}
