using System.Text.RegularExpressions;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// Reads the Intercom service seed (docs/contracts/intercom-service.md): each path's body schema, each
/// Definitions table, and each example call, so tests are generated from the contract rather than picked by hand.
/// </summary>
public static partial class IntercomServiceContract
{
    public sealed record Field(string Name, bool Required, string Schema);

    public sealed record ExampleCall(string Path, IReadOnlyList<(string Key, string Value)> Fields);

    private static readonly Lazy<string> Text = new(() =>
        File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "docs", "contracts", "intercom-service.md")));

    /// <summary>Endpoint path (<c>/push/x</c>) → the Definitions schema its body parameter names.</summary>
    public static IReadOnlyDictionary<string, string> BodySchemas() =>
        PathWithSchema().Matches(Text.Value).ToDictionary(m => m.Groups["path"].Value, m => m.Groups["schema"].Value);

    public static IReadOnlyList<Field> Definition(string schema)
    {
        var section = Regex.Match(Text.Value, $@"### {Regex.Escape(schema)}\n(?<body>(?:.|\n)*?)(?=\n### |\z)").Groups["body"].Value;
        return TableRow().Matches(section)
            .Select(m => new Field(m.Groups["name"].Value, m.Groups["required"].Value == "true", m.Groups["schema"].Value))
            .Where(f => f.Name != "Name")
            .ToList();
    }

    public static IReadOnlyList<ExampleCall> Examples() =>
        ExampleBlock().Matches(Text.Value)
            .Select(m => new ExampleCall(m.Groups["path"].Value,
                ExampleField().Matches(m.Groups["body"].Value).Select(f => (f.Groups["key"].Value, f.Groups["value"].Value)).ToList()))
            .ToList();

    [GeneratedRegex(@"```\nPOST (?<path>/push/\w+)\n```(?:.|\n)*?\|BodyParameter\|[^|]*\|[^|]*\|true\|(?<schema>\w+)\|")]
    private static partial Regex PathWithSchema();

    [GeneratedRegex(@"^\|(?<name>[\w]+)\|[^|]*\|(?<required>true|false)\|(?<schema>\w+)\|", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"IntercomService\.post\('(?<path>/push/\w+)',\s*\{(?<body>[^}]*)\}")]
    private static partial Regex ExampleBlock();

    [GeneratedRegex(@"(?<key>\w+):\s*'(?<value>[^']*)'")]
    private static partial Regex ExampleField();
}
