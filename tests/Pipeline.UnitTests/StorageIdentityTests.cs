using Azure.Core.Pipeline;
using Azure.Identity;

namespace Pipeline.UnitTests;

/// <summary>How the app reaches storage: a connection string, or the identity form of the setting (no network here).</summary>
public sealed class StorageIdentityTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key.Replace("__", ":"), s.Value)))
            .Build();

    [Fact]
    public void An_account_name_with_a_user_assigned_managed_identity_gives_public_cloud_endpoints_and_that_identity()
    {
        var configuration = Settings(("AzureWebJobsStorage__accountName", "pipelinestore"),
            ("AzureWebJobsStorage__credential", "managedidentity"), ("AzureWebJobsStorage__clientId", "2b0f3c1e-0000-4000-8000-000000000001"));

        var identity = StorageIdentity.From(configuration, StorageAccount.ConnectionSetting)!;

        Assert.Equal(new Uri("https://pipelinestore.table.core.windows.net"), identity.TableServiceUri);
        Assert.Equal(new Uri("https://pipelinestore.queue.core.windows.net"), identity.QueueServiceUri);
        Assert.Equal(new Uri("https://pipelinestore.blob.core.windows.net"), identity.BlobServiceUri);
        Assert.True(identity.ManagedIdentity);
        Assert.Equal("2b0f3c1e-0000-4000-8000-000000000001", identity.ClientId);
        Assert.IsType<ManagedIdentityCredential>(identity.CreateCredential());

        var account = new StorageAccount(configuration, Array.Empty<HttpPipelinePolicy>());
        Assert.Equal("pipelinestore", account.Tables.AccountName);
        Assert.Equal(new Uri("https://pipelinestore.queue.core.windows.net/"), account.Queues.Uri);
    }

    [Fact]
    public void Without_the_managed_identity_credential_the_default_credential_chain_is_used()
    {
        var identity = StorageIdentity.From(Settings(("AzureWebJobsStorage__accountName", "devstore")), StorageAccount.ConnectionSetting)!;

        Assert.False(identity.ManagedIdentity);
        Assert.IsType<DefaultAzureCredential>(identity.CreateCredential());
    }

    [Fact]
    public void A_service_uri_is_used_as_given_and_names_the_account_and_cloud_of_the_others()
    {
        var identity = StorageIdentity.From(Settings(
            ("AzureWebJobsStorage__blobServiceUri", "https://govstore.blob.core.usgovcloudapi.net"),
            ("AzureWebJobsStorage__queueServiceUri", "https://govstore-secondary.queue.core.usgovcloudapi.net/")), StorageAccount.ConnectionSetting)!;

        Assert.Equal(new Uri("https://govstore.table.core.usgovcloudapi.net"), identity.TableServiceUri);
        Assert.Equal(new Uri("https://govstore-secondary.queue.core.usgovcloudapi.net/"), identity.QueueServiceUri);
    }

    [Fact]
    public void A_connection_string_is_used_as_is_when_both_forms_are_set()
    {
        var configuration = Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true"), ("AzureWebJobsStorage__accountName", "ignored"));

        var account = new StorageAccount(configuration, Array.Empty<HttpPipelinePolicy>());

        Assert.Equal("devstoreaccount1", account.Tables.AccountName);
    }

    [Fact]
    public void Neither_form_is_a_startup_error_naming_both()
    {
        Assert.Null(StorageIdentity.From(Settings(), StorageAccount.ConnectionSetting));
        var error = Assert.Throws<InvalidOperationException>(() => new StorageAccount(Settings(), Array.Empty<HttpPipelinePolicy>()));
        Assert.Contains("UseDevelopmentStorage=true", error.Message);
        Assert.Contains("AzureWebJobsStorage__accountName", error.Message);
    }

    [Fact]
    public void An_unresolved_key_vault_reference_reads_as_unset_and_resolved_values_stay()
    {
        var builder = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Admin:ApiKey"] = "@Microsoft.KeyVault(VaultName=pipelinekv;SecretName=admin-api-key)",
            ["Intercom:AccessToken"] = "resolved-token",
        });

        var blanked = KeyVaultReferences.IgnoreUnresolved(builder);
        var configuration = builder.Build();

        Assert.Equal(["Admin:ApiKey"], blanked);
        Assert.Null(configuration["Admin:ApiKey"]);
        Assert.Equal("resolved-token", configuration["Intercom:AccessToken"]);
    }
}
