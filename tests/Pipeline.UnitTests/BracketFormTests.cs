using System.Web;
using FsCheck;
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

    /// <summary>
    /// As qs.stringify writes it: keys in brackets, or with <c>allowDots</c> object keys after dots (array indexes
    /// stay in brackets).
    /// </summary>
    private static string Encode(JsonElement tree, bool allowDots = false)
    {
        var pairs = new List<string>();
        void Walk(string key, JsonElement node)
        {
            switch (node.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in node.EnumerateObject())
                        Walk(key.Length == 0 ? p.Name : allowDots ? $"{key}.{p.Name}" : $"{key}[{p.Name}]", p.Value);
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

    [Property(MaxTest = 200)]
    public bool Dot_notation_parses_back_to_the_structure_it_encodes(int seed)
    {
        var tree = RandomTree(new Random(seed), depth: 4);
        return JsonElement.DeepEquals(tree, BracketForm.Parse(Encode(tree, allowDots: true)));
    }

    [Property(MaxTest = 200)]
    public bool Repeated_keys_collect_every_value_in_order(NonEmptyArray<NonNull<string>> brands)
    {
        // qs.stringify(…, { arrayFormat: 'repeat' }): aditionalData[brands]=Zara&aditionalData[brands]=Adidas
        var values = brands.Get.Select(b => Clean(b.Get)).ToArray();
        var body = string.Join('&', values.Select(v => "aditionalData%5Bbrands%5D=" + Uri.EscapeDataString(v)));
        var parsed = BracketForm.Parse(body).GetProperty("aditionalData").GetProperty("brands");
        return values.Length == 1
            ? parsed.GetString() == values[0]
            : parsed.EnumerateArray().Select(v => v.GetString()).SequenceEqual(values);
    }

    /// <summary>Text a form can carry: lone surrogates have no UTF-8 encoding.</summary>
    private static string Clean(string text) => new(text.Where(c => !char.IsSurrogate(c)).ToArray());

    [Fact]
    public void The_qs_forms_of_real_clients_are_kept()
    {
        var parsed = BracketForm.Parse(
            "aditionalData[brands]=Zara&aditionalData[brands]=Adidas&aditionalData.rating=7&aditionalData.receipts[0].name=C%26A");

        var data = parsed.GetProperty("aditionalData");
        Assert.Equal(["Zara", "Adidas"], data.GetProperty("brands").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal("7", data.GetProperty("rating").GetString());
        Assert.Equal("C&A", data.GetProperty("receipts")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("a=1&a[b]=2", """{"a":"1","a[b]":"2"}""")]
    [InlineData("a[b]=2&a=1", """{"a":"1","a[b]":"2"}""")]
    [InlineData("a[b]=1&a[b][c]=2", """{"a":{"b":"1","b[c]":"2"}}""")]
    [InlineData("a[b]=1&a.b.c[]=2", """{"a":{"b":"1","b[c][]":"2"}}""")]
    [InlineData("a[b][c]=1&a[b]=2", """{"a":{"b":{"c":"1"}},"a[b]":"2"}""")]
    [InlineData("a[b][c]=1&a.b=2&a.b=3", """{"a":{"b":{"c":"1"}},"a.b":["2","3"]}""")]
    [InlineData("a[b=1&a]=2&[x]=3&a..b=4&a[b]c=5", """{"a[b":"1","a]":"2","[x]":"3","a..b":"4","a[b]c":"5"}""")]
    public void A_key_that_cannot_be_placed_is_kept_verbatim(string body, string expected)
    {
        var parsed = BracketForm.Parse(body);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(expected).RootElement, parsed), parsed.ToString());
    }

    private static readonly string[] KeyParts = ["a", "b", "0", "1", "[", "]", ".", "[]", "[a]", "[0]", ".b", " "];

    /// <summary>Whatever keys a client invents, every value it sends is somewhere in what is parsed.</summary>
    [Property(MaxTest = 300)]
    public bool No_value_is_ever_dropped(int seed)
    {
        var random = new Random(seed);
        var pairs = Enumerable.Range(0, random.Next(1, 12)).Select(i =>
            (Key: string.Concat(Enumerable.Range(0, random.Next(1, 7)).Select(_ => KeyParts[random.Next(KeyParts.Length)])),
             Value: "v" + i)).ToList();
        var body = string.Join('&', pairs.Select(p => Uri.EscapeDataString(p.Key) + "=" + p.Value));
        var leaves = new List<string>();
        void Collect(JsonElement node)
        {
            switch (node.ValueKind)
            {
                case JsonValueKind.Object: foreach (var p in node.EnumerateObject()) Collect(p.Value); break;
                case JsonValueKind.Array: foreach (var item in node.EnumerateArray()) Collect(item); break;
                default: leaves.Add(node.GetString()!); break;
            }
        }
        Collect(BracketForm.Parse(body));
        return leaves.Order().SequenceEqual(pairs.Select(p => p.Value).Order());
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
