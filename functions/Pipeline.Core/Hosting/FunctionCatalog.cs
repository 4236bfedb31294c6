namespace Pipeline.Functions.Hosting;

/// <summary>All functions of the app, by name (case-insensitive, as the Functions host treats names).</summary>
public sealed class FunctionCatalog
{
    private readonly Dictionary<string, IFunction> _byName;

    public FunctionCatalog(IEnumerable<IFunction> functions)
    {
        _byName = new Dictionary<string, IFunction>(StringComparer.OrdinalIgnoreCase);
        foreach (var function in functions)
        {
            if (!_byName.TryAdd(function.Definition.Name, function))
                throw new InvalidOperationException($"Two functions are named '{function.Definition.Name}'.");
        }
    }

    public IEnumerable<IFunction> All => _byName.Values.OrderBy(f => f.Definition.Name, StringComparer.Ordinal);

    public IFunction? Find(string name) => _byName.GetValueOrDefault(name);

    public IEnumerable<(IFunction Function, T Trigger)> WithTrigger<T>() where T : FunctionTrigger =>
        All.Where(f => f.Definition.Trigger is T).Select(f => (f, (T)f.Definition.Trigger));
}
