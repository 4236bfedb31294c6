using System.Security.Cryptography;

namespace Pipeline.Functions.Reportei;

/// <summary>Standard Webhooks v1 signing: <c>v1,</c> + base64 HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c>.</summary>
public static class StandardWebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <returns>The key bytes of a <c>whsec_</c> secret, or null when it is missing or not base64.</returns>
    public static byte[]? KeyOf(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret)) return null;
        var text = secret.Trim();
        if (text.StartsWith(SecretPrefix, StringComparison.Ordinal)) text = text[SecretPrefix.Length..];
        try
        {
            var key = Convert.FromBase64String(text);
            return key.Length == 0 ? null : key;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static string Sign(byte[] key, string id, long timestamp, string body) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
}
