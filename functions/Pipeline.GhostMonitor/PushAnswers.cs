namespace Pipeline.Functions.GhostMonitor;

// The seed's answer is {"code","message"}, with the status as text; its message is a sentence, or the problems by field.

/// <summary>An accepted push, or a refusal told in a sentence.</summary>
public sealed record PushAnswer(string Code, string Message);

/// <summary>A push refused for its fields: each field at fault and what is wrong with it.</summary>
public sealed record PushFieldsRefused(string Code, IReadOnlyDictionary<string, string> Message);

/// <summary>A push to a segment there is not: the segment given, and every valid one.</summary>
public sealed record PushSegmentUnknown(string Code, UnknownSegment Message);

public sealed record UnknownSegment(string Segment, IReadOnlyList<string> Valid);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PushAnswer))]
[JsonSerializable(typeof(PushFieldsRefused))]
[JsonSerializable(typeof(PushSegmentUnknown))]
internal sealed partial class GhostMonitorJson : JsonSerializerContext;
