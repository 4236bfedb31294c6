using FsCheck.Xunit;
using Pipeline.Functions.Storage;

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
}
