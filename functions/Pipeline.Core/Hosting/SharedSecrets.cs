using System.Security.Cryptography;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// Comparing what a caller sent with the configured secrets, in constant time, so the answer's timing says nothing
/// about how much of a secret was right. Every key, token and signature check of the app goes through here.
/// </summary>
public static class SharedSecrets
{
    /// <returns>true when <paramref name="presented"/> equals one of the non-empty <paramref name="configured"/> values.</returns>
    public static bool Matches(string? presented, IEnumerable<string?> configured)
    {
        if (string.IsNullOrEmpty(presented)) return false;
        // Hashing first makes the comparison independent of the lengths as well as the contents.
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var match = false;
        foreach (var secret in configured)
        {
            if (string.IsNullOrEmpty(secret)) continue;
            // No early exit: every configured value is compared whichever matched.
            match |= CryptographicOperations.FixedTimeEquals(presentedHash, SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        }
        return match;
    }

    public static bool Matches(string? presented, string? configured) => Matches(presented, [configured]);
}
