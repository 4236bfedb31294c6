using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Pipeline.Functions.Tracking;

/// <summary>
/// Parses <c>application/x-www-form-urlencoded</c> bodies written in PHP/qs bracket notation, to any depth, into
/// JSON: <c>a[b][0]=x&amp;a[b][1]=y</c> → <c>{"a":{"b":["x","y"]}}</c>. An object whose keys are exactly 0..n-1 becomes
/// an array; <c>a[]=x</c> appends. Keys are trimmed (the vendor's samples send <c>"comment "</c>); values stay strings.
/// </summary>
public static class BracketForm
{
    public const int MaxDepth = 16;

    public static JsonElement Parse(string body)
    {
        var root = new Node();
        foreach (var (key, values) in new FormReader(body).ReadForm())
        {
            foreach (var value in (string?[])values!)
                Insert(root, Path(key.Trim()), value ?? "");
        }
        return JsonSerializer.SerializeToElement(root.ToJson(), PipelineJson.Default.JsonElement);
    }

    /// <summary><c>a[b][0]</c> → ["a","b","0"]; <c>a[]</c> → ["a",""].</summary>
    private static List<string> Path(string key)
    {
        var open = key.IndexOf('[');
        if (open <= 0 || !key.EndsWith(']')) return [key];
        var parts = new List<string> { key[..open].Trim() };
        foreach (var part in key[(open + 1)..^1].Split("]["))
        {
            if (parts.Count > MaxDepth) throw new FormatException($"key '{key}' is nested deeper than {MaxDepth} levels");
            parts.Add(part.Trim());
        }
        return parts;
    }

    private static void Insert(Node node, List<string> path, string value)
    {
        for (var i = 0; i < path.Count; i++)
        {
            var name = path[i].Length == 0 ? node.NextIndex().ToString() : path[i];
            if (i == path.Count - 1)
            {
                node.Children[name] = new Node { Value = value };
                return;
            }
            if (!node.Children.TryGetValue(name, out var child) || child.Value is not null)
                node.Children[name] = child = new Node();
            node = child;
        }
    }

    private sealed class Node
    {
        public string? Value { get; init; }
        public Dictionary<string, Node> Children { get; } = new(StringComparer.Ordinal);

        public int NextIndex() => Children.Keys.Count(k => int.TryParse(k, out _));

        public JsonElement ToJson()
        {
            if (Value is not null) return JsonSerializer.SerializeToElement(Value, PipelineJson.Default.String);
            var isArray = Children.Count > 0 && Enumerable.Range(0, Children.Count).All(i => Children.ContainsKey(i.ToString()));
            var json = Hosting.RequestBodies.Json(w =>
            {
                if (isArray)
                {
                    w.WriteStartArray();
                    for (var i = 0; i < Children.Count; i++) Children[i.ToString()].ToJson().WriteTo(w);
                    w.WriteEndArray();
                    return;
                }
                w.WriteStartObject();
                foreach (var (name, child) in Children)
                {
                    w.WritePropertyName(name);
                    child.ToJson().WriteTo(w);
                }
                w.WriteEndObject();
            });
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
    }
}
