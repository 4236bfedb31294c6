using System.Text.Encodings.Web;

namespace Pipeline.Functions;

/// <summary>Source-generated serializers for every type the pipeline puts on the wire: no reflection per request.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(EventEnvelope))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(Dictionary<string, long>))]
public sealed partial class PipelineJson : JsonSerializerContext
{
    public static PipelineJson Indented { get; } = new(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>
    /// Messages and stored payloads keep non-ASCII text as it is (UTF-8) instead of six-character <c>\uXXXX</c>
    /// escapes, which would let an accepted 64 KiB body outgrow a queue message. None of it is ever embedded in
    /// HTML, which is what the default encoder guards against. JSON still escapes quotes, backslashes and control
    /// characters, and the encoder escapes characters outside the Basic Multilingual Plane as surrogate pairs.
    /// </summary>
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = Encoder };

    /// <summary>The options of <see cref="Default"/>, with the compact <see cref="Encoder"/>: what goes on a queue.</summary>
    public static PipelineJson Compact { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectRequiredConstructorParameters = true,
        Encoder = Encoder,
    });
}
