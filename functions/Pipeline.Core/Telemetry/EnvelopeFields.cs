namespace Pipeline.Functions.Telemetry;

/// <summary>
/// The envelope fields the hosting layer needs for every queue invocation (its span's parent and the log scope),
/// read from the top level of the message without parsing <c>data</c>. A message that is not an envelope gives none.
/// </summary>
public readonly record struct EnvelopeFields(string? Id, string? Type, string? Traceparent)
{
    public static EnvelopeFields Read(string? message)
    {
        if (string.IsNullOrEmpty(message) || message.AsSpan().TrimStart() is not ['{', ..]) return default;
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(message));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return default;
            string? id = null, type = null, traceparent = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueTextEquals("id") ? 1 : reader.ValueTextEquals("type") ? 2 : reader.ValueTextEquals("traceparent") ? 3 : 0;
                if (!reader.Read()) break;
                if (name == 0 || reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }
                var value = reader.GetString();
                switch (name)
                {
                    case 1: id = value; break;
                    case 2: type = value; break;
                    default: traceparent = value; break;
                }
            }
            return new EnvelopeFields(id, type, traceparent);
        }
        catch (JsonException)
        {
            return default; // the function reports what is wrong with the message; telemetry just goes without
        }
    }
}
