using System.Text.Json.Serialization;

namespace Pipeline.Functions.Hosting;

/// <summary>The error shape of the webhooks, metrics and admin APIs.</summary>
public sealed record ErrorAnswer(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The answers the pipeline's core writes itself; each module has its own context for its answers.</summary>
[JsonSerializable(typeof(ErrorAnswer))]
public sealed partial class AnswerJson : JsonSerializerContext;
