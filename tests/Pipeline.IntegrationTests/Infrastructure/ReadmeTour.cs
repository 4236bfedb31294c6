using System.Text.RegularExpressions;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// The README's tour as the test runs it: every fenced block that follows a <c>&lt;!-- tour --&gt;</c> line, in order.
/// A block is read as steps: a command (lines ending in <c>\</c> continue it) and the <c># …</c> lines right after
/// it, which are the answer it shows; a blank line ends a step, so a comment after a blank line only explains. A
/// shown answer may write <c>…</c> where ids and times vary. Lines starting with <c>./run</c> are left out: the test
/// starts the app itself.
/// </summary>
public sealed partial class ReadmeTour
{
    public const string Marker = "<!-- tour -->";

    public sealed record Step(int Number, string Command, string? Answer);

    private ReadmeTour(IReadOnlyList<Step> setup, IReadOnlyList<Step> steps) => (Setup, Steps) = (setup, steps);

    /// <summary>The first tour block: the settings, which the test also gives the app it starts.</summary>
    public IReadOnlyList<Step> Setup { get; }

    /// <summary>Every step, the setup's included, in README order.</summary>
    public IReadOnlyList<Step> Steps { get; }

    public static ReadmeTour Read(string readme)
    {
        var blocks = TourBlocks(readme.Replace("\r\n", "\n").Split('\n')).ToList();
        if (blocks.Count == 0) throw new InvalidOperationException($"the README has no {Marker} block");
        var steps = new List<Step>();
        var setup = new List<Step>();
        for (var b = 0; b < blocks.Count; b++)
        {
            foreach (var (command, answer) in ParseSteps(blocks[b]))
            {
                var step = new Step(steps.Count + 1, command, answer);
                steps.Add(step);
                if (b == 0) setup.Add(step);
            }
        }
        return new ReadmeTour(setup, steps);
    }

    private static IEnumerable<List<string>> TourBlocks(string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != Marker) continue;
            var open = Array.FindIndex(lines, i + 1, l => l.StartsWith("```", StringComparison.Ordinal));
            var close = Array.FindIndex(lines, open + 1, l => l.StartsWith("```", StringComparison.Ordinal));
            yield return lines[(open + 1)..close].ToList();
            i = close;
        }
    }

    private static IEnumerable<(string Command, string? Answer)> ParseSteps(List<string> lines)
    {
        string? command = null;
        var answer = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith('#'))
            {
                if (command is not null) answer.Add(Regex.Replace(line.TrimStart(), "^# ?", ""));
                continue; // an explaining comment, when no command waits for its answer
            }
            if (command is not null) yield return Finish();
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith("./run", StringComparison.Ordinal)) continue;
            var text = new List<string> { line };
            while (text[^1].EndsWith('\\') && i + 1 < lines.Count) text.Add(lines[++i]);
            command = string.Join("\n", text);
        }
        if (command is not null) yield return Finish();

        (string, string?) Finish()
        {
            var step = (command!, answer.Count == 0 ? null : string.Join("\n", answer));
            command = null;
            answer.Clear();
            return step;
        }
    }

    /// <summary>The steps as one bash script, each followed by a line that marks where its output ends.</summary>
    public string Script(IEnumerable<Step> steps, string baseAddress) =>
        string.Join("\n", steps.Select(s => s.Command.Replace("localhost:7071", baseAddress) + "\n" + $"printf '\\n{EndOf(s.Number)}\\n'"));

    public static string EndOf(int step) => $"@@tour step {step} done@@";

    /// <summary>Splits a script's output into each step's output.</summary>
    public IReadOnlyDictionary<int, string> OutputsOf(IEnumerable<Step> steps, string output)
    {
        var outputs = new Dictionary<int, string>();
        var rest = output;
        foreach (var step in steps)
        {
            var end = rest.IndexOf(EndOf(step.Number), StringComparison.Ordinal);
            if (end < 0) break;
            outputs[step.Number] = rest[..end].Trim('\n');
            rest = rest[(end + EndOf(step.Number).Length)..];
        }
        return outputs;
    }

    /// <summary>Whether an answer is what the README shows: exactly, except that each <c>…</c> stands for any text on its line.</summary>
    public static bool Matches(string shown, string actual)
    {
        var pattern = "^" + string.Join("[^\n]*", shown.Split('…').Select(Regex.Escape)) + "$";
        return Regex.IsMatch(actual, pattern);
    }
}
