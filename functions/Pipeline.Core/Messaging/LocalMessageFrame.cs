using System.Text.Encodings.Web;

namespace Pipeline.Functions.Messaging;

/// <summary>
/// How a message travels on an Azurite queue, which has no message properties: <c>{"$message":{"id":…,"properties":
/// {…}},"body":…}</c>. A queue message without the frame (sent by hand, or before it existed) is a body alone.
/// The frame is ASCII (other characters \u-escaped): Azurite decodes a request body piece by piece as it arrives, so a
/// character whose UTF-8 bytes straddle two pieces comes back as two U+FFFD (seen once in 33 KB of "é"). The receiver
/// gets the body back as the sender wrote it, unescaped, as Service Bus would deliver it.
/// </summary>
public static class LocalMessageFrame
{
    private const string Marker = "{\"$message\":";

    public sealed record Unwrapped(string Body, string? MessageId, IReadOnlyDictionary<string, string> Properties);

    public static string Wrap(OutgoingMessage message)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, AsciiOnly))
        {
            w.WriteStartObject();
            w.WriteStartObject("$message");
            w.WriteString("id", message.MessageId);
            w.WriteStartObject("properties");
            foreach (var (name, value) in message.Properties) w.WriteString(name, value);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WritePropertyName("body");
            if (ParseOrNull(message.Body) is { } json)
                using (json) json.RootElement.WriteTo(w);
            else w.WriteStringValue(message.Body);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// A dead-lettered message as it goes back on its queue: a fresh first attempt, no longer marked as given up, and
    /// marked as requeued so that a failed delivery is tried again (the message id and the properties that route it stay).
    /// </summary>
    public static string Requeued(string text)
    {
        var framed = Unwrap(text);
        var properties = new Dictionary<string, string>(framed.Properties, StringComparer.Ordinal);
        MessageProperties.MarkRequeued(properties, "true");
        return Wrap(new OutgoingMessage(framed.Body, framed.MessageId ?? Guid.NewGuid().ToString()) { Properties = properties });
    }

    public static Unwrapped Unwrap(string text)
    {
        if (!text.StartsWith(Marker, StringComparison.Ordinal)) return new(text, null, new Dictionary<string, string>());
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var meta = root.GetProperty("$message");
            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            if (meta.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in props.EnumerateObject())
                    if (property.Value.ValueKind == JsonValueKind.String) properties[property.Name] = property.Value.GetString()!;
            }
            var body = root.GetProperty("body");
            return new(body.ValueKind == JsonValueKind.String ? body.GetString()! : Unescaped(body),
                meta.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null, properties);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new(text, null, new Dictionary<string, string>()); // not a frame after all: the function judges it
        }
    }

    private static readonly JsonWriterOptions AsciiOnly = new() { Encoder = JavaScriptEncoder.Default };

    /// <summary>JSON written in ASCII, for anything else the local host puts on an Azurite queue (a dead letter).</summary>
    public static string AsciiJson(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, AsciiOnly)) write(w);
        return Encoding.ASCII.GetString(buffer.WrittenSpan);
    }

    /// <summary>How many bytes <paramref name="json"/> takes in a frame, where every non-ASCII character is escaped.</summary>
    public static int FramedBytes(string json)
    {
        using var parsed = ParseOrNull(json);
        if (parsed is null) return Encoding.UTF8.GetByteCount(json) * 6; // a string body: at most \uXXXX per byte
        return AsciiJson(parsed.RootElement.WriteTo).Length;
    }

    private static string Unescaped(JsonElement body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, PipelineJson.WriterOptions)) body.WriteTo(w);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static JsonDocument? ParseOrNull(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
