namespace Pipeline.Functions.Analytics;

// The seed's shapes: snake_case fields, but camelCase paging. The created entity is not here: it is the caller's own
// known fields, in the caller's order, followed by ours.

/// <summary>A refused call told in a sentence (too large, not JSON, not an object).</summary>
public sealed record AnalyticsRefusal(string Message);

/// <summary>A refused call for its fields: each field at fault and what is wrong with it.</summary>
public sealed record AnalyticsFieldsRefused(string Message, IReadOnlyDictionary<string, string> Errors);

/// <summary>One page of a search.</summary>
public sealed record RecordingsFound(IReadOnlyList<FoundRecording> Recordings, SearchPage Meta);

/// <summary>One stored event as a search lists it; a field the caller did not send is null.</summary>
public sealed record FoundRecording(
    string? CustomerId,
    string EntityType,
    string EntityId,
    string? UserId,
    string? ToolSignature,
    string? RecordingId,
    string? EventType,
    string? EventId,
    string? Message,
    string? CreatedAt,
    string? UpdatedAt);

public sealed record SearchPage(
    int Page,
    [property: JsonPropertyName("pageSize")] int PageSize,
    [property: JsonPropertyName("rowCount")] int RowCount);

/// <summary>A created event's data on <c>events</c>: what it is about, and the entity as it was answered.</summary>
public sealed record AnalyticsEventData(string Entity, string EntityId, JsonElement Stored);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AnalyticsRefusal))]
[JsonSerializable(typeof(AnalyticsFieldsRefused))]
[JsonSerializable(typeof(RecordingsFound))]
[JsonSerializable(typeof(AnalyticsEventData))]
internal sealed partial class AnalyticsJson : JsonSerializerContext;
