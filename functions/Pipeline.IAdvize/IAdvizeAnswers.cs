namespace Pipeline.Functions.IAdvize;

/// <summary>A signed webhook taken in: the envelope id it is stored under, and whether it was a copy of one already taken.</summary>
public sealed record WebhookAccepted(string Status, string Id, string Type, bool Duplicate);

/// <summary>
/// The connector's verification answer, in the shape iAdvize asks for: valid or not, every problem in one sentence,
/// and each install field at fault.
/// </summary>
public sealed record ConnectorVerified(bool IsValid, string Message, IReadOnlyList<FieldProblem> Fields);

public sealed record FieldProblem(string Id, string Message);

/// <summary>The iAdvize module's answers and the connector's verify body; the visitor profile's list is also what its schema is made from.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyList<ProfileField>))]
[JsonSerializable(typeof(WebhookAccepted))]
[JsonSerializable(typeof(ConnectorVerified))]
[JsonSerializable(typeof(ConnectorField))]
internal sealed partial class IAdvizeJson : JsonSerializerContext;
