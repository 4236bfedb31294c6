using System.Text;
using System.Web;
using FsCheck.Xunit;
using Pipeline.Functions.Tracking;

namespace Pipeline.UnitTests;

public sealed class BracketFormTests
{
    private static readonly string[] Names = ["a", "brands", "aditionalData", "technicalInfo", "x_y", "sensors", "k9"];
    private static readonly string[] Values = ["Zara", "H&M", "C&A", "a=b", "100%", "two words", "ünï", "", "1920x1080", "[0]"];

    /// <summary>A random tree of objects, arrays and string leaves, as qs/PHP would encode it.</summary>
    private static JsonElement RandomTree(Random random, int depth)
    {
        var json = new StringBuilder();
        void Node(int level, bool mustBeContainer)
        {
            var kind = level >= depth ? 0 : random.Next(mustBeContainer ? 1 : 0, 3);
            if (kind == 0)
            {
                json.Append(JsonSerializer.Serialize(Values[random.Next(Values.Length)]));
            }
            else if (kind == 1)
            {
                json.Append('[');
                for (var i = 0; i < random.Next(1, 4); i++) { if (i > 0) json.Append(','); Node(level + 1, false); }
                json.Append(']');
            }
            else
            {
                json.Append('{');
                foreach (var (name, i) in Names.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).Select((n, i) => (n, i)))
                {
                    if (i > 0) json.Append(',');
                    json.Append(JsonSerializer.Serialize(name)).Append(':');
                    Node(level + 1, false);
                }
                json.Append('}');
            }
        }
        json.Append('{');
        foreach (var (name, i) in Names.OrderBy(_ => random.Next()).Take(random.Next(1, 5)).Select((n, i) => (n, i)))
        {
            if (i > 0) json.Append(',');
            json.Append(JsonSerializer.Serialize(name)).Append(':');
            Node(1, false);
        }
        json.Append('}');
        return JsonDocument.Parse(json.ToString()).RootElement;
    }

    private static string Encode(JsonElement tree)
    {
        var pairs = new List<string>();
        void Walk(string key, JsonElement node)
        {
            switch (node.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in node.EnumerateObject()) Walk(key.Length == 0 ? p.Name : $"{key}[{p.Name}]", p.Value);
                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    foreach (var item in node.EnumerateArray()) Walk($"{key}[{i++}]", item);
                    break;
                default:
                    pairs.Add($"{HttpUtility.UrlEncode(key)}={HttpUtility.UrlEncode(node.GetString())}");
                    break;
            }
        }
        Walk("", tree);
        return string.Join('&', pairs);
    }

    [Property(MaxTest = 300)]
    public bool Any_nested_form_parses_back_to_the_structure_it_encodes(int seed)
    {
        var tree = RandomTree(new Random(seed), depth: 4);
        var parsed = BracketForm.Parse(Encode(tree));
        return JsonElement.DeepEquals(tree, parsed);
    }

    [Fact]
    public void Keys_are_trimmed_and_empty_brackets_append()
    {
        var parsed = BracketForm.Parse("comment%20=ok&tags[]=a&tags[]=b");

        Assert.Equal("ok", parsed.GetProperty("comment").GetString());
        Assert.Equal(["a", "b"], parsed.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public void The_node_sensor_form_keeps_its_index_last()
    {
        var parsed = BracketForm.Parse("sensors[uuid][0]=u0&sensors[rssi][0]=5&sensors[uuid][1]=u1");

        Assert.Equal(["u0", "u1"], parsed.GetProperty("sensors").GetProperty("uuid").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public void Absurd_nesting_is_refused()
    {
        var key = "a" + string.Concat(Enumerable.Repeat("[x]", 40));
        Assert.Throws<FormatException>(() => BracketForm.Parse(key + "=1"));
    }
}
