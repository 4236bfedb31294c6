namespace Pipeline.Functions.Tracking;

// The tracking answers, and the data of the events whose shape is fixed. The seed documents the success answers;
// the error shape is ours (README).

/// <summary>A web session opened: <c>uid</c> for an identified person, <c>pid</c> for anyone else (never both).</summary>
public sealed record WebSessionOpened(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Uid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Pid)
{
    public static WebSessionOpened Issued(TrackingIdKind kind, string id) =>
        kind == TrackingIdKind.Uid ? new("ok", id, null) : new("ok", null, id);
}

/// <summary>A mobile session opened, with the id every later mobile call names as <c>mid</c>.</summary>
public sealed record MobileSessionOpened(string Status, string MobileId);

/// <summary>An action accepted by a send endpoint: the seed answers an empty object.</summary>
public sealed record ActionAccepted
{
    public static readonly ActionAccepted Instance = new();
}

/// <summary>Readings accepted by the geo and sensors endpoints.</summary>
public sealed record ReadingsAccepted(bool Success)
{
    public static readonly ReadingsAccepted Instance = new(true);
}

/// <summary>A refused tracking call: always <c>"error"</c>, a sentence, and the fields at fault when there are any.</summary>
public sealed record TrackingRefusal(
    string Status,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Errors);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WebSessionOpened))]
[JsonSerializable(typeof(MobileSessionOpened))]
[JsonSerializable(typeof(ActionAccepted))]
[JsonSerializable(typeof(ReadingsAccepted))]
[JsonSerializable(typeof(TrackingRefusal))]
[JsonSerializable(typeof(GeoFix))]
[JsonSerializable(typeof(SessionOpened))]
internal sealed partial class TrackingJson : JsonSerializerContext;
