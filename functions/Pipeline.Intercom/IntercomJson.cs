namespace Pipeline.Functions.Intercom;

/// <summary>The Intercom module's own messages, values and answers, with the pipeline's wire options (camelCase, nulls left out).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(SweepPage))]
[JsonSerializable(typeof(SweepStarted))]
[JsonSerializable(typeof(SweepNeverRun))]
[JsonSerializable(typeof(SweepProgress))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
internal sealed partial class IntercomJson : JsonSerializerContext;
