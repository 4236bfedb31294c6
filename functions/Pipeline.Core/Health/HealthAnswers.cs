namespace Pipeline.Functions.Health;

/// <summary>
/// The health answer: <c>healthy</c>, <c>degraded</c> or <c>unhealthy</c>, what storage said, why it is not healthy,
/// and the latest backlog sample (null when none was taken yet).
/// </summary>
public sealed record HealthAnswer(
    string Status,
    string Storage,
    IReadOnlyList<string> Reasons,
    DateTimeOffset? BacklogSampledAt,
    IReadOnlyList<BacklogEntry> Backlog);

/// <summary>One entity's latest backlog sample; a count is null when the broker cannot tell, or could not be read.</summary>
public sealed record BacklogEntry(
    string Entity,
    long? Active,
    long? Scheduled,
    long? DeadLettered,
    bool Growing,
    string? Note,
    string? Error);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(HealthAnswer))]
[JsonSerializable(typeof(IReadOnlyList<BacklogEntry>))]
internal sealed partial class HealthJson : JsonSerializerContext;
