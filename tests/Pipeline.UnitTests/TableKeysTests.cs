using FsCheck.Xunit;

namespace Pipeline.UnitTests;

public sealed class TableKeysTests
{
    [Property]
    public bool Escaped_keys_never_hold_a_forbidden_character(string? value)
    {
        var key = TableKeys.Escape(value ?? "");
        return !key.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
    }

    [Property]
    public bool Escaping_is_injective(string? a, string? b) =>
        (a ?? "") == (b ?? "") || TableKeys.Escape(a ?? "") != TableKeys.Escape(b ?? "");

    [Fact]
    public void Ordinary_ids_are_kept_as_they_are() => Assert.Equal("site:42-abc", TableKeys.Escape("site:42-abc"));

    [Property]
    public bool Keys_never_pass_the_key_length_limit(string? value, byte repeat)
    {
        var id = string.Concat(Enumerable.Repeat(value ?? "", repeat));
        var key = TableKeys.Key(id);
        return key.Length <= TableKeys.DerivedLength && !key.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
    }

    [Property]
    public bool Long_ids_that_differ_get_different_keys(string? a, string? b)
    {
        // Ids that share a long prefix differ only in the hashed part of their derived keys.
        var prefix = new string('/', 300);
        var (x, y) = (prefix + (a ?? ""), prefix + (b ?? ""));
        return x == y || TableKeys.Key(x) != TableKeys.Key(y);
    }

    [Theory]
    [InlineData(255, false)]
    [InlineData(256, true)]
    [InlineData(1000, true)]
    public void A_key_is_derived_exactly_when_the_escaped_id_is_too_long(int length, bool derived)
    {
        var id = new string('a', length);
        var key = TableKeys.Key(id);
        Assert.Equal(derived, key != id);
        if (derived) Assert.Equal(TableKeys.DerivedLength, key.Length);
    }

    [Fact]
    public void A_plain_id_that_looks_like_a_derived_key_keeps_its_own_key()
    {
        var derived = TableKeys.Key(new string('a', 300));
        var lookalike = derived[..^1]; // as long as a plain key may be, and otherwise the same text
        Assert.NotEqual(derived, TableKeys.Key(lookalike));
        Assert.Equal(lookalike, TableKeys.Key(lookalike));
    }

    [Fact]
    public void Composite_keys_are_derived_as_a_whole_and_keep_parts_apart()
    {
        Assert.Equal("lead|c|u|e", TableKeys.Composite("lead", "c", "u", "e"));
        Assert.NotEqual(TableKeys.Composite("lead", "a|b", "c"), TableKeys.Composite("lead", "a", "b|c"));
        var key = TableKeys.Composite("lead", new string('/', 256), new string('|', 256), new string('/', 256));
        Assert.Equal(TableKeys.DerivedLength, key.Length);
        Assert.StartsWith("lead|", key);
    }

    [Fact]
    public void Lone_surrogates_are_escaped_and_pairs_kept()
    {
        Assert.Equal("a%D800b", TableKeys.Escape("a\ud800b"));
        Assert.Equal("😀", TableKeys.Escape("😀"));
    }

    [Property]
    public bool Chunked_text_reads_back_as_written(string? text, byte repeat)
    {
        var written = string.Concat(Enumerable.Repeat((text ?? "") + "😀", repeat * 300));
        var entity = new Azure.Data.Tables.TableEntity("p", "r");
        ChunkedText.Write(entity, "Data", written);
        return ChunkedText.Read(entity, "Data") == written
               && entity.Select(p => p.Value).OfType<string>().All(chunk => chunk.Length == 0 || (chunk.Length <= ChunkedText.ChunkChars && !char.IsHighSurrogate(chunk[^1])));
    }
}
