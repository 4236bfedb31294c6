using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Pipeline.Functions.Storage;

/// <summary>The storage account named by <c>AzureWebJobsStorage</c>: Azurite locally, a real account in Azure.</summary>
public sealed class StorageAccount
{
    public const string ConnectionSetting = "AzureWebJobsStorage";

    public StorageAccount(IConfiguration configuration)
    {
        var connectionString = configuration[ConnectionSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException($"{ConnectionSetting} is not set (use UseDevelopmentStorage=true for Azurite).");
        Tables = new TableServiceClient(connectionString);
        // Messages are JSON text; base64 would only matter to a Functions storage-queue trigger, which we do not use.
        Queues = new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
    }

    public TableServiceClient Tables { get; }
    public QueueServiceClient Queues { get; }

    public TableClient Table(string name) => Tables.GetTableClient(name);
}

public static class TableNames
{
    public const string Events = "Events";
    public const string Deliveries = "Deliveries";
    public const string Sites = "Sites";
    public const string Sweeps = "Sweeps";

    public static readonly string[] All = [Events, Deliveries, Sites, Sweeps];
}
