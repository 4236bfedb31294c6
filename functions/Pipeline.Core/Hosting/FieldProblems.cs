namespace Pipeline.Functions.Hosting;

/// <summary>
/// What is wrong with a body's fields, in the order its record checks them, each field with its first problem. Each
/// API answers them in its own shape: the admin API the first, Reportei all of them in one 422.
/// </summary>
/// <param name="wrongType">The fields sent with a JSON type their record cannot hold (<see cref="RequestBodies.Bind{T}"/>).</param>
public sealed class FieldProblems(IReadOnlySet<string> wrongType)
{
    private readonly OrderedDictionary<string, string> _problems = new(StringComparer.Ordinal);

    /// <summary>For a body read field by field, where no field can be of a wrong type to its record.</summary>
    public FieldProblems() : this(new HashSet<string>())
    {
    }

    /// <summary>One problem, for a check that stops at it.</summary>
    public static FieldProblems Of(string field, string message)
    {
        var problems = new FieldProblems();
        problems.Add(field, message);
        return problems;
    }

    /// <summary>Whether the field was sent with a JSON type its record cannot hold; the record reads it as not sent.</summary>
    public bool IsWrongType(string field) => wrongType.Contains(field);

    /// <summary>Names the field with <paramref name="message"/> when it was sent with the wrong JSON type.</summary>
    /// <returns>Whether it was.</returns>
    public bool WrongType(string field, string message)
    {
        if (!IsWrongType(field)) return false;
        Add(field, message);
        return true;
    }

    /// <summary>Names the field at fault; a field already named keeps its first problem.</summary>
    public void Add(string field, string message) => _problems.TryAdd(field, message);

    public bool Any => _problems.Count > 0;

    public KeyValuePair<string, string> First => _problems.GetAt(0);

    public IReadOnlyDictionary<string, string> All => _problems;
}
