namespace Pipeline.Testing;

/// <summary>The repository's root (where Functions.sln is), found from the test binaries: the one place tests look it up.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Functions.sln not found above the test binaries");
    }
}
