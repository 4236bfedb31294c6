using System.Text.Json.Serialization.Metadata;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// Reading request bodies the same way in every HTTP function: first the body as a whole (<see cref="ReadJsonObject"/>:
/// its size, its JSON, one object), then its fields, bound to the body's record (<see cref="Bind{T}"/>) that names each
/// problem under the field's name (<see cref="FieldProblems"/>); each API answers both in its own error shape.
/// </summary>
public static class RequestBodies
{
    /// <summary>
    /// Reads a body that must be one JSON object.
    /// </summary>
    /// <param name="emptyIsNoFields">An empty body is read as <c>{}</c>, so that the caller is told each field it
    /// lacks (the APIs whose bodies are all fields, as Reportei's).</param>
    /// <returns>null when <paramref name="body"/> is the object; otherwise why the body is refused, and the status to answer.</returns>
    public static BodyProblem? ReadJsonObject(Microsoft.Azure.Functions.Worker.Http.HttpRequestData request, int maxBytes,
        out JsonElement body, bool emptyIsNoFields = false)
    {
        body = default;
        var raw = request.RawBody();
        if (raw.Length > maxBytes) return new(HttpStatusCode.RequestEntityTooLarge, $"body is larger than {SizeOf(maxBytes)}");
        var text = Encoding.UTF8.GetString(raw.Span);
        if (string.IsNullOrWhiteSpace(text))
        {
            if (!emptyIsNoFields) return new(HttpStatusCode.BadRequest, "body is empty; send a JSON object");
            text = "{}";
        }
        // Decoding replaces each invalid byte: the text can outgrow the limit the bytes were within.
        if (Encoding.UTF8.GetByteCount(text) > maxBytes) return new(HttpStatusCode.RequestEntityTooLarge, $"body is larger than {SizeOf(maxBytes)}");
        try
        {
            var parsed = ParseJson(text);
            if (parsed.ValueKind != JsonValueKind.Object) return new(HttpStatusCode.BadRequest, "body must be a JSON object");
            body = parsed;
            return null;
        }
        catch (JsonException ex)
        {
            return new(HttpStatusCode.BadRequest, $"body is not valid JSON: {Reason(ex)}");
        }
    }

    /// <summary>
    /// Deserialises a JSON object into its record through the module's source-generated context. A field of a JSON
    /// type the record cannot hold does not fail the body: it is left out, as if not sent, and <paramref name="problems"/>
    /// knows it as of the wrong type, so that the record's check names it in its turn with the record's message.
    /// </summary>
    public static T Bind<T>(JsonElement body, JsonTypeInfo<T> type, out FieldProblems problems) where T : class
    {
        var wrongType = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            try
            {
                var value = body.Deserialize(type) ?? throw new JsonException("a body record cannot be null");
                problems = new FieldProblems(wrongType);
                return value;
            }
            catch (JsonException ex) when (FieldOf(ex.Path) is { } field && wrongType.Add(field))
            {
                body = Without(body, field);
            }
        }
    }

    /// <summary>The top-level property a JSON path is under: <c>event_ids</c> for <c>$.event_ids[0]</c>; null for the root.</summary>
    public static string? FieldOf(string? path)
    {
        if (path is null || path.Length < 3 || path[0] != '$') return null;
        if (path.StartsWith("$['", StringComparison.Ordinal))
            return path.IndexOf("']", 3, StringComparison.Ordinal) is var end and > 3 ? path[3..end] : null;
        if (path[1] != '.') return null;
        var stop = path.IndexOfAny(['.', '['], 2);
        return stop < 0 ? path[2..] : path[2..stop];
    }

    private static JsonElement Without(JsonElement body, string field)
    {
        var text = Json(w =>
        {
            w.WriteStartObject();
            foreach (var property in body.EnumerateObject().Where(p => p.Name != field)) property.WriteTo(w);
            w.WriteEndObject();
        });
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static string SizeOf(int bytes) => bytes % 1024 == 0 ? $"{bytes / 1024} KiB" : $"{bytes} bytes";

    /// <summary>
    /// What is wrong with a body, fit for an error message: the parser's words (a property named twice is named),
    /// clipped, with any lone surrogate of a caller's property name replaced so that the message can be written as JSON.
    /// </summary>
    public static string Reason(JsonException ex) => Clip(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(ex.Message)), 160);

    /// <summary>
    /// Parses JSON that every later step can read back: besides the grammar, no object may name a property twice
    /// (readers disagree on which value wins, so a body could mean one thing to a check and another to its use), and
    /// no string or property name may hold a lone UTF-16 surrogate escape (<c>"\ud800"</c>), which JSON's grammar
    /// allows but no UTF-8 text can carry.
    /// </summary>
    /// <exception cref="JsonException">the text is not such JSON.</exception>
    public static JsonElement ParseJson(string text)
    {
        using var document = ParseDocument(text);
        // Only \u escapes can produce a lone surrogate (decoded UTF-8 has none), so most bodies skip the walk.
        if (text.Contains("\\u", StringComparison.Ordinal)) CheckText(document.RootElement, "$");
        return document.RootElement.Clone();
    }

    private static readonly JsonDocumentOptions BodyOptions = new() { AllowDuplicateProperties = false };

    private static JsonDocument ParseDocument(string text)
    {
        try
        {
            return JsonDocument.Parse(text, BodyOptions);
        }
        catch (InvalidOperationException ex)
        {
            // Comparing property names for duplicates decodes them, which a lone surrogate escape cannot survive.
            throw new JsonException("a property name holds a lone UTF-16 surrogate escape", ex);
        }
    }

    private static void CheckText(JsonElement element, string path)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    break;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        var name = property.Name;
                        CheckText(property.Value, path + "." + name);
                    }
                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray()) CheckText(item, $"{path}[{index++}]");
                    break;
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException($"a string under {Clip(path)} holds a lone UTF-16 surrogate escape", ex);
        }
    }

    private static string Clip(string text) => Clip(text, 80);

    /// <summary>
    /// The start of a caller's text for an error message, never cutting a surrogate pair in half (a lone surrogate
    /// cannot be written as JSON).
    /// </summary>
    public static string Clip(string text, int maxChars)
    {
        if (text.Length <= maxChars) return text;
        var end = char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars;
        return text[..end] + "…";
    }

    /// <summary>A record as JSON text, written by its module's source-generated serializer with the compact encoder.</summary>
    public static string Json<T>(T value, JsonTypeInfo<T> type) =>
        Json(w => JsonSerializer.Serialize(w, value, type));

    public static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, PipelineJson.WriterOptions)) write(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>Why a body is refused before its fields are read: the status to answer and a sentence naming the problem.</summary>
public sealed record BodyProblem(HttpStatusCode Status, string Message);
