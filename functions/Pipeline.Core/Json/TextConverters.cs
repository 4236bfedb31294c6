namespace Pipeline.Functions;

/// <summary>
/// A text field that callers may also send as a JSON number (ids often are numbers): the number's text as written.
/// Any other JSON type does not bind, so <see cref="Hosting.RequestBodies.Bind{T}"/> names the field as of the wrong type.
/// </summary>
public class TextOrNumberConverter : JsonConverter<string>
{
    protected virtual bool TakesBooleans => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => reader.HasValueSequence ? Encoding.UTF8.GetString(reader.ValueSequence) : Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.True or JsonTokenType.False when TakesBooleans => reader.TokenType == JsonTokenType.True ? "true" : "false",
        _ => throw new JsonException($"a {reader.TokenType} is not text"),
    };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>A text field that callers may also send as a number or as <c>true</c>/<c>false</c>, each as its text.</summary>
public sealed class ScalarTextConverter : TextOrNumberConverter
{
    protected override bool TakesBooleans => true;
}
