using System.Text;

namespace Pipeline.Functions.Storage;

/// <summary>
/// PartitionKey and RowKey may not contain '/', '\', '#', '?' or control characters. Caller-supplied ids
/// (site ids, customer ids) are escaped injectively (as %XXXX) so that any id a client sends can be a key;
/// entities keep the original id in a property of their own, so keys are never decoded.
/// </summary>
public static class TableKeys
{
    public static string Escape(string value)
    {
        if (!value.Any(NeedsEscape)) return value;
        var builder = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            if (NeedsEscape(c)) builder.Append('%').Append(((int)c).ToString("X4"));
            else builder.Append(c);
        }
        return builder.ToString();
    }

    // '|' separates the parts of composite keys, so it is escaped inside a part.
    private static bool NeedsEscape(char c) => c is '/' or '\\' or '#' or '?' or '%' or '|' || char.IsControl(c);
}
