using Azure.Core;
using Azure.Identity;

namespace Pipeline.Functions.Storage;

/// <summary>
/// The credential keys every identity-based connection of the Functions host shares: <c>&lt;prefix&gt;__credential</c>
/// and <c>&lt;prefix&gt;__clientId</c>. With <c>credential</c> = <c>managedidentity</c> the app uses that managed identity
/// (the user-assigned one when <c>clientId</c> is set); otherwise <see cref="DefaultAzureCredential"/> (az login,
/// environment, managed identity), so a developer's own sign-in works against the same settings.
/// </summary>
public sealed record ConnectionCredential(string? ClientId, bool ManagedIdentity)
{
    public static ConnectionCredential From(IConfigurationSection section) =>
        new(Setting(section, "clientId"),
            string.Equals(Setting(section, "credential"), "managedidentity", StringComparison.OrdinalIgnoreCase));

    public TokenCredential Create() => ManagedIdentity
        ? new ManagedIdentityCredential(ClientId is null
            ? ManagedIdentityId.SystemAssigned
            : ManagedIdentityId.FromUserAssignedClientId(ClientId))
        : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = ClientId });

    internal static string? Setting(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
