namespace Pipeline.Functions.Storage;

/// <summary>A table a module keeps its state in, declared in its <c>Add…()</c>; created at start with the core's.</summary>
public sealed record TableRegistration(string Name)
{
    /// <summary>Every table to create: the core's and the modules'.</summary>
    public static IReadOnlyList<string> All(IEnumerable<TableRegistration> registered) =>
        TableNames.Core.Concat(registered.Select(r => r.Name)).Distinct(StringComparer.Ordinal).ToList();
}

public static class TableRegistrationExtensions
{
    public static IServiceCollection AddTable(this IServiceCollection services, string name) =>
        services.AddSingleton(new TableRegistration(name));
}
