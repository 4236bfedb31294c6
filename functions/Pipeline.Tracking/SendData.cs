namespace Pipeline.Functions.Tracking;

/// <summary>Adds the id fields to an event's typed data.</summary>
public static class SendData
{
    public static JsonElement With(JsonElement data, params (string Name, string Value)[] fields)
    {
        using var document = JsonDocument.Parse(RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            foreach (var (name, value) in fields) w.WriteString(name, value);
            foreach (var property in data.EnumerateObject()) property.WriteTo(w);
            w.WriteEndObject();
        }));
        return document.RootElement.Clone();
    }
}
