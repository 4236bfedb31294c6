namespace Pipeline.Functions.Hosting;

/// <summary>
/// App Service resolves <c>@Microsoft.KeyVault(...)</c> app settings before the app starts; one it cannot resolve (the
/// secret is not set yet, or the identity may not read it) is left in place as text. Such a setting is treated as
/// unset, so a missing token reads as "not configured" rather than as a key anyone can read in the template.
/// </summary>
public static class KeyVaultReferences
{
    public const string Prefix = "@Microsoft.KeyVault(";

    /// <summary>Blanks every unresolved reference; returns the settings it blanked (names only) for the log.</summary>
    public static IReadOnlyList<string> IgnoreUnresolved(IConfigurationBuilder builder)
    {
        var unresolved = builder.Build().AsEnumerable()
            .Where(kv => kv.Value?.TrimStart().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) == true)
            .Select(kv => kv.Key)
            .ToList();
        if (unresolved.Count > 0)
            builder.AddInMemoryCollection(unresolved.Select(key => new KeyValuePair<string, string?>(key, null)));
        return unresolved;
    }

    public static void IgnoreUnresolved(WebApplicationBuilder builder)
    {
        foreach (var key in IgnoreUnresolved(builder.Configuration))
            Console.Error.WriteLine($"warning: {key.Replace(":", "__")} is a Key Vault reference that did not resolve; treated as not set");
    }
}
