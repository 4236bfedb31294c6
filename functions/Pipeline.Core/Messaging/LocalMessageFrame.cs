using System.Text;
using System.Text.Json;

namespace Pipeline.Functions.Messaging;

/// <summary>
/// How a message travels on an Azurite queue, which has no message properties: <c>{"$message":{"id":…,"properties":
/// {…}},"body":…}</c>. A queue message without the frame (sent by hand, or before it existed) is a body alone.
/// </summary>
public static class LocalMessageFrame
{
    private const string Marker = "{\"$message\":";

    public sealed record Unwrapped(string Body, string? MessageId, IReadOnlyDictionary<string, string> Properties);

    public static string Wrap(OutgoingMessage message)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("$message");
            w.WriteString("id", message.MessageId);
            w.WriteStartObject("properties");
            foreach (var (name, value) in message.Properties) w.WriteString(name, value);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WritePropertyName("body");
            if (IsJson(message.Body)) w.WriteRawValue(message.Body, skipInputValidation: true);
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
            return new(body.ValueKind == JsonValueKind.String ? body.GetString()! : body.GetRawText(),
                meta.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null, properties);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new(text, null, new Dictionary<string, string>()); // not a frame after all: the function judges it
        }
    }

    /// <summary>A reader pass, no document: every send of the local host comes through here.</summary>
    private static bool IsJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return false;
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text));
        try
        {
            while (reader.Read())
            {
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
