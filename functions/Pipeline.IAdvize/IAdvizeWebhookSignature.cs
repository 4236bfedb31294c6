using System.Security.Cryptography;

namespace Pipeline.Functions.IAdvize;

/// <summary>
/// Checks <c>X-iAdvize-Signature: sha256=&lt;hex&gt;</c> against HMAC-SHA256 of the raw body bytes, keyed with each
/// configured secret, before anything of the body is read. The algorithm is pinned to <c>sha256</c> (the doc's PHP
/// lets the header choose it); the hex may be in either case; digests are compared as bytes in constant time,
/// against every secret whichever matches.
/// </summary>
public sealed class IAdvizeWebhookSignature(IOptions<IAdvizeOptions> options)
{
    public const string Header = "X-iAdvize-Signature";
    public const string Algorithm = "sha256";
    private const int DigestBytes = 32;

    /// <returns>null when the body is signed with one of the secrets; otherwise why it is refused.</returns>
    public string? Problem(HttpRequestData request)
    {
        var secrets = options.Value.AllWebhookSecrets;
        if (secrets.Count == 0) return "webhooks are refused: IAdvize__WebhookSecret is not set";
        var header = request.FirstHeader(Header)?.Trim();
        if (string.IsNullOrEmpty(header)) return $"the {Header} header is missing";
        var separator = header.IndexOf('=');
        if (separator < 0) return $"{Header} must be '{Algorithm}=<hex digest>'";
        if (!string.Equals(header[..separator], Algorithm, StringComparison.Ordinal))
            return $"{Header} must use {Algorithm}; '{Truncate(header[..separator])}' is not accepted";
        var hex = header[(separator + 1)..];
        if (hex.Length != DigestBytes * 2 || !hex.All(char.IsAsciiHexDigit))
            return $"{Header} must carry a {DigestBytes * 2}-character hex digest";

        var presented = Convert.FromHexString(hex);
        var body = request.RawBody().Span;
        var match = false;
        foreach (var secret in secrets)
        {
            // No early exit: every secret is tried whichever matched.
            match |= CryptographicOperations.FixedTimeEquals(presented, HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
        }
        return match ? null : $"{Header} does not match the body";
    }

    /// <summary>The header value a sender computes: <c>sha256=</c> + lowercase hex.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Algorithm + "=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static string Truncate(string text) => text.Length > 20 ? text[..20] + "…" : text;
}
