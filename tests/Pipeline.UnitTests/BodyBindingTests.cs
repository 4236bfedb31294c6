using System.Text.Json.Serialization;

namespace Pipeline.UnitTests;

/// <summary>
/// A body bound to its record: a field of the wrong JSON type is named by its top-level field, as not sent, and the
/// fields around it still bind; the record's check names problems in its order, each field once.
/// </summary>
public sealed class BodyBindingTests
{
    private static Probe Bind(string json, out FieldProblems problems)
    {
        using var document = JsonDocument.Parse(json);
        return RequestBodies.Bind(document.RootElement, ProbeJson.Default.Probe, out problems);
    }

    [Fact]
    public void A_field_of_the_wrong_type_is_named_and_left_out_while_the_others_bind()
    {
        var probe = Bind("""{"name":5,"on":true,"tags":["a"]}""", out var problems);

        Assert.True(problems.IsWrongType("name"));
        Assert.Null(probe.Name);
        Assert.Equal(true, probe.On);
        Assert.Equal(["a"], probe.Tags!);
        Assert.False(problems.IsWrongType("on"));
        Assert.False(problems.Any);
    }

    [Fact]
    public void A_wrong_type_inside_a_list_or_object_names_the_top_field()
    {
        var probe = Bind("""{"tags":["a",1],"inner":{"count":"x"},"name":"n"}""", out var problems);

        Assert.True(problems.IsWrongType("tags"));
        Assert.True(problems.IsWrongType("inner"));
        Assert.Null(probe.Tags);
        Assert.Null(probe.Inner);
        Assert.Equal("n", probe.Name);
    }

    [Fact]
    public void Every_field_of_the_wrong_type_is_named_and_unknown_fields_are_not()
    {
        Bind("""{"name":[],"on":"yes","tags":{},"other":{"x":1}}""", out var problems);

        Assert.True(problems.IsWrongType("name"));
        Assert.True(problems.IsWrongType("on"));
        Assert.True(problems.IsWrongType("tags"));
        Assert.False(problems.IsWrongType("other"));
    }

    [Theory]
    [InlineData("""{"id":"a-1"}""", "a-1")]
    [InlineData("""{"id":12.50}""", "12.50")]
    [InlineData("""{"id":-3e2}""", "-3e2")]
    [InlineData("""{"id":null}""", null)]
    public void A_text_field_takes_a_number_as_its_text_as_written(string json, string? id)
    {
        var probe = Bind(json, out var problems);

        Assert.Equal(id, probe.Id);
        Assert.False(problems.IsWrongType("id"));
    }

    [Theory]
    [InlineData("""{"id":true}""")]
    [InlineData("""{"id":{}}""")]
    [InlineData("""{"id":["1"]}""")]
    public void A_text_field_takes_nothing_else(string json)
    {
        Assert.Null(Bind(json, out var problems).Id);
        Assert.True(problems.IsWrongType("id"));
    }

    [Theory]
    [InlineData("""{"value":true}""", "true")]
    [InlineData("""{"value":7}""", "7")]
    [InlineData("""{"value":"v"}""", "v")]
    public void A_scalar_text_field_also_takes_true_and_false(string json, string value)
    {
        Assert.Equal(value, Bind(json, out var problems).Value);
        Assert.False(problems.IsWrongType("value"));
    }

    [Theory]
    [InlineData("$.message_ids[0]", "message_ids")]
    [InlineData("$.metrics[2].component", "metrics")]
    [InlineData("$.dry_run", "dry_run")]
    [InlineData("$['odd name'].x", "odd name")]
    [InlineData("$", null)]
    [InlineData("$[3].id", null)]
    [InlineData(null, null)]
    public void A_path_names_its_top_level_field(string? path, string? field) => Assert.Equal(field, RequestBodies.FieldOf(path));

    [Fact]
    public void Problems_keep_the_order_they_were_found_in_and_each_field_its_first()
    {
        Bind("""{"name":5}""", out var problems);

        problems.Add("tags", "first");
        Assert.True(problems.WrongType("name", "must be a string"));
        Assert.False(problems.WrongType("on", "must be true or false"));
        problems.Add("tags", "second");

        Assert.Equal(new("tags", "first"), problems.First);
        Assert.Equal(["tags:first", "name:must be a string"], problems.All.Select(p => $"{p.Key}:{p.Value}"));
    }
}

public sealed record ProbeInner(int? Count);

public sealed record Probe(string? Name, bool? On, IReadOnlyList<string>? Tags, ProbeInner? Inner,
    [property: JsonConverter(typeof(TextOrNumberConverter))] string? Id,
    [property: JsonConverter(typeof(ScalarTextConverter))] string? Value);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Probe))]
internal sealed partial class ProbeJson : JsonSerializerContext;
