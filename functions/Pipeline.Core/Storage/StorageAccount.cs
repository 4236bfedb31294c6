using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Pipeline.Functions.Storage;

/// <summary>
/// The storage account named by <c>AzureWebJobsStorage</c>: a connection string (Azurite locally), or in Azure its
/// identity form (<c>AzureWebJobsStorage__accountName</c>, <c>__credential</c>, <c>__clientId</c>; see <see cref="StorageIdentity"/>).
/// </summary>
public sealed class StorageAccount
{
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <param name="policies">Extra pipeline policies for every storage call; none in production, observers in tests.</param>
    public StorageAccount(IConfiguration configuration, IEnumerable<HttpPipelinePolicy> policies)
    {
        var connectionString = configuration[ConnectionSetting];
        var identity = string.IsNullOrWhiteSpace(connectionString) ? StorageIdentity.From(configuration, ConnectionSetting) : null;
        if (string.IsNullOrWhiteSpace(connectionString) && identity is null)
            throw new InvalidOperationException($"{ConnectionSetting} is not set (use UseDevelopmentStorage=true for Azurite, " +
                $"or {ConnectionSetting}__accountName for a managed identity).");
        var tableOptions = new TableClientOptions();
        // Messages are JSON text; base64 would only matter to a Functions storage-queue trigger, which we do not use.
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        var blobOptions = new BlobClientOptions();
        var timeout = TimeSpan.FromSeconds(configuration.GetValue("Storage:NetworkTimeoutSeconds", DefaultNetworkTimeoutSeconds));
        var retries = configuration.GetValue("Storage:MaxRetries", DefaultMaxRetries);
        foreach (var options in new ClientOptions[] { tableOptions, queueOptions, blobOptions })
        {
            // The SDK's defaults (100 s per try, several tries) let a frozen storage hold a caller for minutes.
            // A storage call answers within milliseconds; one that does not within a few seconds is a storage
            // problem, which ingest reports as 503 and the queue functions as a failed (redelivered) invocation.
            options.Retry.NetworkTimeout = timeout;
            options.Retry.MaxRetries = retries;
            options.Retry.Mode = RetryMode.Exponential;
            options.Retry.Delay = TimeSpan.FromMilliseconds(100);
            options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
            foreach (var policy in policies) options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }
        // Queues are never retried by the SDK: a send that timed out has often been stored all the same, and sending
        // it again stores a second copy (a soak found 3,203 doubled messages after Azurite slowed). The pipeline's own
        // retries (a failed invocation redelivered, a 503 the caller retries) are the retries; a failed receive or
        // settle only leaves the message where it is.
        queueOptions.Retry.MaxRetries = 0;
        if (identity is not null)
        {
            var credential = identity.CreateCredential();
            Tables = new TableServiceClient(identity.TableServiceUri, credential, tableOptions);
            Queues = new QueueServiceClient(identity.QueueServiceUri, credential, queueOptions);
            Blobs = new BlobServiceClient(identity.BlobServiceUri, credential, blobOptions);
        }
        else
        {
            Tables = new TableServiceClient(connectionString, tableOptions);
            Queues = new QueueServiceClient(connectionString, queueOptions);
            Blobs = new BlobServiceClient(connectionString, blobOptions);
        }
    }

    public const double DefaultNetworkTimeoutSeconds = 5;
    public const int DefaultMaxRetries = 2;

    /// <summary>Blob Storage: the claim-checked bodies of messages too large for a queue (MessageClaimCheck).</summary>
    public BlobServiceClient Blobs { get; }

    public TableServiceClient Tables { get; }
    public QueueServiceClient Queues { get; }

    public TableClient Table(string name) => Tables.GetTableClient(name);
}

/// <summary>The pipeline's own tables; each module registers its own with <see cref="TableRegistration.AddTable"/>.</summary>
public static class TableNames
{
    public const string Events = "Events";
    public const string EventIds = "EventIds";
    public const string Deliveries = "Deliveries";
    public const string DeliveryIndex = "DeliveryIndex";

    public static readonly string[] Core = [Events, EventIds, Deliveries, DeliveryIndex];
}
