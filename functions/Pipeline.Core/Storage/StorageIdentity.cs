using Azure.Core;

namespace Pipeline.Functions.Storage;

/// <summary>
/// The identity form of a storage connection, as the Functions host reads it: <c>&lt;prefix&gt;__accountName</c> (or
/// <c>__tableServiceUri</c> / <c>__queueServiceUri</c> / <c>__blobServiceUri</c>), <c>__credential</c> and <c>__clientId</c>.
/// The credential keys mean what they mean for every connection (<see cref="ConnectionCredential"/>).
/// </summary>
public sealed record StorageIdentity(Uri TableServiceUri, Uri QueueServiceUri, Uri BlobServiceUri, string? ClientId, bool ManagedIdentity)
{
    private const string PublicCloudSuffix = "core.windows.net";

    /// <summary>The identity settings under <paramref name="prefix"/>, or null when there are none.</summary>
    /// <exception cref="InvalidOperationException">The settings name no account the table, queue and blob endpoints can be derived from.</exception>
    public static StorageIdentity? From(IConfiguration configuration, string prefix)
    {
        var section = configuration.GetSection(prefix);
        var accountName = Setting(section, "accountName");
        var tableUri = Setting(section, "tableServiceUri");
        var queueUri = Setting(section, "queueServiceUri");
        var blobUri = Setting(section, "blobServiceUri");
        if (accountName is null && tableUri is null && queueUri is null && blobUri is null) return null;

        // An account name alone means the public cloud; a service URI also gives the endpoint suffix.
        var suffix = PublicCloudSuffix;
        if (accountName is null)
        {
            var known = new Uri(tableUri ?? blobUri ?? queueUri!, UriKind.Absolute).Host.Split('.', 3);
            if (known.Length == 3)
                (accountName, suffix) = (known[0], known[2]);
        }
        Uri Endpoint(string? explicitUri, string service) =>
            explicitUri is not null ? new Uri(explicitUri, UriKind.Absolute)
            : accountName is not null ? new Uri($"https://{accountName}.{service}.{suffix}")
            : throw new InvalidOperationException(
                $"{prefix}__{service}ServiceUri or {prefix}__accountName is needed to reach the {service} service.");

        var credential = ConnectionCredential.From(section);
        return new StorageIdentity(Endpoint(tableUri, "table"), Endpoint(queueUri, "queue"), Endpoint(blobUri, "blob"),
            credential.ClientId, credential.ManagedIdentity);
    }

    public TokenCredential CreateCredential() => new ConnectionCredential(ClientId, ManagedIdentity).Create();

    private static string? Setting(IConfigurationSection section, string key) => ConnectionCredential.Setting(section, key);
}
