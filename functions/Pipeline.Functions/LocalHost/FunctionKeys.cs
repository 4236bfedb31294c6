using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Functions.LocalHost;

/// <summary>
/// The local host's stand-in for the Functions host's key check on <c>authLevel: function</c> (and admin) routes:
/// the key comes as <c>?code=</c> or the <c>x-functions-key</c> header and is compared in constant time.
/// </summary>
public static class FunctionKeys
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";

    public const string MissingKeyAnswer =
        """{"code":"401","message":"this route needs a function key: send it as ?code=<key> or in the x-functions-key header"}""";

    /// <returns>true when no key is configured, or when the request carries it.</returns>
    public static bool Allows(HttpRequest request, string? configuredKey)
    {
        if (string.IsNullOrEmpty(configuredKey)) return true;
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(configuredKey));
        var match = false;
        foreach (var candidate in request.Headers[HeaderName].Concat(request.Query[QueryName]))
        {
            // Hashing first makes the comparison independent of the candidate's length as well as its content.
            var actual = SHA256.HashData(Encoding.UTF8.GetBytes(candidate ?? ""));
            match |= CryptographicOperations.FixedTimeEquals(expected, actual);
        }
        return match;
    }
}
