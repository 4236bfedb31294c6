using System.Text;
using System.Text.Json;

namespace Pipeline.Functions.Hosting;

/// <summary>Reading request bodies the same way in every HTTP function.</summary>
public static class RequestBodies
{
    public enum Problem { None, TooLarge, Empty, Malformed, NotAnObject }

    public static Problem TryReadJsonObject(HttpRequestData request, int maxBytes, out JsonElement body)
    {
        body = default;
        if (Encoding.UTF8.GetByteCount(request.Body) > maxBytes) return Problem.TooLarge;
        if (string.IsNullOrWhiteSpace(request.Body)) return Problem.Empty;
        try
        {
            using var document = JsonDocument.Parse(request.Body);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return Problem.NotAnObject;
            body = document.RootElement.Clone();
            return Problem.None;
        }
        catch (JsonException)
        {
            return Problem.Malformed;
        }
    }

    public static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, PipelineJson.WriterOptions)) write(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
