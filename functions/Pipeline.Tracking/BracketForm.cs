using Microsoft.AspNetCore.WebUtilities;

namespace Pipeline.Functions.Tracking;

/// <summary>
/// Parses <c>application/x-www-form-urlencoded</c> bodies written in PHP/qs bracket notation, to any depth, into
/// JSON, the way <c>qs.parse</c> reads what <c>qs.stringify</c> writes:
/// <list type="bullet">
/// <item><c>a[b][0]=x&amp;a[b][1]=y</c> → <c>{"a":{"b":["x","y"]}}</c>: an object whose keys are exactly 0..n-1 is an
/// array, and <c>a[]=x</c> appends;</item>
/// <item>a repeated key (<c>arrayFormat: 'repeat'</c>) collects its values: <c>a[b]=x&amp;a[b]=y</c> → <c>{"a":{"b":["x","y"]}}</c>;</item>
/// <item>dot notation (<c>allowDots</c>) nests: <c>a.b=7</c> → <c>{"a":{"b":"7"}}</c>;</item>
/// <item>a key that cannot be placed is kept verbatim, never dropped: one that needs an object where a value already
/// is keeps its rest under the nearest object (<c>a[b]=1&amp;a[b][c]=2</c> → <c>{"a":{"b":"1","b[c]":"2"}}</c>); one
/// that needs a value where an object is, or is not well-formed, is kept as a top-level key as sent.</item>
/// </list>
/// Keys are trimmed (the vendor's samples send <c>"comment "</c>); values stay strings.
/// </summary>
public static class BracketForm
{
    public const int MaxDepth = 16;

    public static JsonElement Parse(string body)
    {
        var pairs = new List<(string Key, List<string>? Path, string Value)>();
        foreach (var (rawKey, values) in new FormReader(body).ReadForm())
        {
            var key = rawKey.Trim();
            foreach (var value in (string?[])values!) pairs.Add((key, Path(key), value ?? ""));
        }

        var root = new Node();
        // Plain keys first, so that they keep their place whatever order the client wrote them in; a nested key that
        // collides with one is the key that cannot be placed.
        foreach (var (key, path, value) in pairs)
            if (path is null || path.Count == 1) root.Child(key).Values.Add(value);
        foreach (var (key, path, value) in pairs)
        {
            if (path is not { Count: > 1 }) continue;
            Insert(root, path, key, value);
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) root.Write(writer);
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// <c>a[b][0]</c> → ["a","b","0"]; <c>a[]</c> → ["a",""]; <c>a.b[c]</c> → ["a","b","c"]; null when the key is not
    /// well-formed (it is then kept verbatim).
    /// </summary>
    private static List<string>? Path(string key)
    {
        var headEnd = key.IndexOfAny(['[', '.']);
        if (headEnd < 0) return [key];
        var parts = new List<string> { key[..headEnd].Trim() };
        if (parts[0].Length == 0) return null;
        var i = headEnd;
        while (i < key.Length)
        {
            string part;
            if (key[i] == '[')
            {
                var close = key.IndexOf(']', i + 1);
                if (close < 0) return null;
                part = key[(i + 1)..close];
                i = close + 1;
            }
            else if (key[i] == '.')
            {
                var end = key.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = key.Length;
                part = key[(i + 1)..end];
                if (part.Length == 0 || part.Contains(']')) return null;
                i = end;
            }
            else
            {
                return null; // text after a closing bracket: a[b]c
            }
            if (parts.Count > MaxDepth) throw new FormatException($"key '{Clip(key)}' is nested deeper than {MaxDepth} levels");
            parts.Add(part.Trim());
        }
        return parts;
    }

    /// <summary>
    /// Places a value at its path. Where the path runs into a value, the rest of the key (<c>b[c]</c>) is kept
    /// verbatim in the object reached so far; a name ending in <c>]</c> is never a parsed segment, so it holds only
    /// values. Where the path ends on an object, the key as sent is kept at the top level (it contains <c>[</c> or
    /// <c>.</c>, which no parsed top-level name does).
    /// </summary>
    private static void Insert(Node root, List<string> path, string rawKey, string value)
    {
        var node = root;
        for (var i = 0; i < path.Count; i++)
        {
            var last = i == path.Count - 1;
            var name = path[i].Length == 0 && i > 0 ? node.NextIndex.ToString(CultureInfo.InvariantCulture) : path[i];
            if (node.Children.TryGetValue(name, out var child))
            {
                if (!last && child.Values.Count > 0)
                {
                    node.Child(path[i] + string.Concat(path.Skip(i + 1).Select(p => "[" + p + "]"))).Values.Add(value);
                    return;
                }
                if (last && child.Children.Count > 0)
                {
                    root.Child(rawKey).Values.Add(value);
                    return;
                }
            }
            if (last)
            {
                node.Child(name).Values.Add(value);
                return;
            }
            node = node.Child(name);
        }
    }

    private static string Clip(string text) => Hosting.RequestBodies.Clip(text, 60);

    private sealed class Node
    {
        /// <summary>The values of a leaf (more than one when its key repeats); empty for an object.</summary>
        public List<string> Values { get; } = [];

        public Dictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);

        /// <summary>Where <c>a[]</c> appends: one past the number of numeric keys so far.</summary>
        public int NextIndex { get; private set; }

        public Node Child(string name)
        {
            if (Children.TryGetValue(name, out var child)) return child;
            Children[name] = child = new Node();
            if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out _)) NextIndex++;
            return child;
        }

        public void Write(Utf8JsonWriter w)
        {
            if (Values.Count == 1 && Children.Count == 0)
            {
                w.WriteStringValue(Values[0]);
                return;
            }
            if (Values.Count > 1)
            {
                w.WriteStartArray();
                foreach (var value in Values) w.WriteStringValue(value);
                w.WriteEndArray();
                return;
            }
            var isArray = Children.Count > 0
                          && Enumerable.Range(0, Children.Count).All(i => Children.ContainsKey(i.ToString(CultureInfo.InvariantCulture)));
            if (isArray)
            {
                w.WriteStartArray();
                for (var i = 0; i < Children.Count; i++) Children[i.ToString(CultureInfo.InvariantCulture)].Write(w);
                w.WriteEndArray();
                return;
            }
            w.WriteStartObject();
            foreach (var (name, child) in Children)
            {
                w.WritePropertyName(name);
                child.Write(w);
            }
            w.WriteEndObject();
        }
    }
}
