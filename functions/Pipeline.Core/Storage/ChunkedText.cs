namespace Pipeline.Functions.Storage;

/// <summary>
/// A string property holds at most 64 KiB (32K UTF-16 characters). Longer text is split across <c>Name</c>,
/// <c>Name1</c>, <c>Name2</c>, … and joined again on read. An entity holds at most 1 MiB, far above what any
/// accepted body (64 KiB) becomes.
/// </summary>
public static class ChunkedText
{
    public const int ChunkChars = 30_000;

    public static void Write(TableEntity entity, string name, string text)
    {
        if (text.Length == 0)
        {
            entity[name] = text;
            return;
        }
        for (int start = 0, chunk = 0; start < text.Length; chunk++)
        {
            var length = Math.Min(ChunkChars, text.Length - start);
            // Never split a surrogate pair: each chunk must be valid UTF-16 on its own.
            if (start + length < text.Length && char.IsHighSurrogate(text[start + length - 1])) length--;
            entity[PropertyName(name, chunk)] = text.Substring(start, length);
            start += length;
        }
    }

    public static string? Read(TableEntity entity, string name)
    {
        if (entity.GetString(name) is not { } first) return null;
        if (!entity.ContainsKey(PropertyName(name, 1))) return first;
        var builder = new System.Text.StringBuilder(first);
        for (var chunk = 1; entity.GetString(PropertyName(name, chunk)) is { } next; chunk++) builder.Append(next);
        return builder.ToString();
    }

    public static string PropertyName(string name, int chunk) => chunk == 0 ? name : name + chunk;
}
