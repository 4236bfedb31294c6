using System.Security.Cryptography;

namespace Pipeline.Functions.Storage;

/// <summary>
/// PartitionKey and RowKey may not contain '/', '\', '#', '?' or control characters. Caller-supplied ids
/// (site ids, customer ids) are escaped injectively (as %XXXX) so that any id a client sends can be a key;
/// entities keep the original id in a property of their own, so keys are never decoded.
/// A key may hold at most 1 KiB (512 UTF-16 characters): <see cref="Key"/> derives a fixed-length key from an id
/// whose escaped form is longer than <see cref="MaxPlainLength"/>.
/// </summary>
public static class TableKeys
{
    /// <summary>Escaped ids up to this length are keys as they are; longer ones are derived.</summary>
    public const int MaxPlainLength = 255;

    /// <summary>A derived key: a readable prefix of the escaped id, '~' and the SHA-256 of the id (hex).</summary>
    public const int DerivedLength = MaxPlainLength + 1;

    private const int HashChars = 64;

    public static string Escape(string value)
    {
        if (!value.Any(NeedsEscape) && !HasLoneSurrogate(value)) return value;
        var builder = new StringBuilder(value.Length + 16);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var pair = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
            if (pair)
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (NeedsEscape(c) || char.IsSurrogate(c))
            {
                builder.Append('%').Append(((int)c).ToString("X4"));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <summary>
    /// The escaped id, or, when that passes <see cref="MaxPlainLength"/>, a key of exactly <see cref="DerivedLength"/>
    /// characters derived from it. Plain keys are never that long, so a derived key never equals a plain one.
    /// </summary>
    public static string Key(string value) => Bound(Escape(value));

    /// <summary>
    /// A key made of several ids joined by '|' (escaped inside each part, so the joint is injective), derived as a
    /// whole when it is too long.
    /// </summary>
    public static string Composite(params string[] parts) => Bound(string.Join('|', parts.Select(Escape)));

    private static string Bound(string escaped)
    {
        if (escaped.Length <= MaxPlainLength) return escaped;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(escaped)));
        var prefixLength = DerivedLength - 1 - HashChars;
        // Never end the prefix between the halves of a surrogate pair.
        if (char.IsHighSurrogate(escaped[prefixLength - 1])) prefixLength--;
        var prefix = escaped[..prefixLength].PadRight(DerivedLength - 1 - HashChars, '_');
        return prefix + "~" + hash;
    }

    private static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (char.IsSurrogate(value[i])) return true;
        }
        return false;
    }

    // '|' separates the parts of composite keys, so it is escaped inside a part.
    private static bool NeedsEscape(char c) => c is '/' or '\\' or '#' or '?' or '%' or '|' || char.IsControl(c);
}
