namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>The distribution's Chromium (package <c>chromium</c>), found on PATH; browser tests skip without it.</summary>
public static class Chromium
{
    private static readonly string[] Names = ["chromium", "chromium-browser"];

    public static string? Path { get; } = Find();

    private static string? Find()
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin");
        foreach (var directory in directories)
        {
            foreach (var name in Names)
            {
                var candidate = System.IO.Path.Combine(directory, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}

/// <summary>A fact that is skipped, saying why, when no Chromium is installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null)
            Skip = "no Chromium found on PATH: install the distribution's package (apt-get install -y chromium) to run the browser tests";
    }
}

/// <summary>A theory that is skipped, saying why, when no Chromium is installed.</summary>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute()
    {
        if (Chromium.Path is null)
            Skip = "no Chromium found on PATH: install the distribution's package (apt-get install -y chromium) to run the browser tests";
    }
}
