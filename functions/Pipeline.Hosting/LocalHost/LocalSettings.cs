using Microsoft.Extensions.Configuration.Memory;

namespace Pipeline.Functions.LocalHost;

/// <summary>
/// Reads <c>local.settings.json</c>'s <c>Values</c>, as Functions Core Tools does, below every other source, so
/// environment variables still win. Keys use the app-setting form (<c>Intercom__AccessToken</c>).
/// </summary>
public static class LocalSettings
{
    public const string FileName = "local.settings.json";

    public static void AddTo(IConfigurationBuilder configuration, string contentRoot)
    {
        var path = Path.Combine(contentRoot, FileName);
        if (!File.Exists(path)) return;
        using var document = JsonDocument.Parse(File.ReadAllText(path),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object) return;
        var settings = values.EnumerateObject()
            .Where(v => v.Value.ValueKind != JsonValueKind.Null)
            .ToDictionary(v => v.Name.Replace("__", ":"), v => (string?)v.Value.ToString());
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = settings });
    }
}
