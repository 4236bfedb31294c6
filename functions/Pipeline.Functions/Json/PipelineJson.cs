using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Functions.Envelope;

namespace Pipeline.Functions;

/// <summary>Source-generated serializers for every type the pipeline puts on the wire: no reflection per request.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(EventEnvelope))]
[JsonSerializable(typeof(GhostMonitor.SweepPage))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(Dictionary<string, long>))]
internal sealed partial class PipelineJson : JsonSerializerContext
{
    public static PipelineJson Indented { get; } = new(new JsonSerializerOptions { WriteIndented = true });
}
