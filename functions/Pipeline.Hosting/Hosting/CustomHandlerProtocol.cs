using Microsoft.AspNetCore.WebUtilities;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// Decodes the Functions host's invocation payload (<c>{Data, Metadata}</c>) and encodes the response
/// (<c>{Outputs, Logs, ReturnValue}</c>), as described in the custom-handler protocol notes.
/// </summary>
public static class CustomHandlerProtocol
{
    public static Invocation ReadInvocation(FunctionBindings definition, JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
            throw new FormatException("invocation payload must be a JSON object with Data and Metadata");
        var data = Property(payload, "Data");
        var metadata = Property(payload, "Metadata");
        var trigger = data is { ValueKind: JsonValueKind.Object } d ? Property(d, definition.Trigger.BindingName) : null;

        return definition.Trigger switch
        {
            HttpRoute => new Invocation
            {
                FunctionName = definition.Name,
                Request = ReadHttpRequest(trigger ?? throw new FormatException("Data.req is missing")),
            },
            MessageTrigger => new Invocation
            {
                FunctionName = definition.Name,
                Message = ReadMessageText(trigger ?? throw new FormatException($"Data.{definition.Trigger.BindingName} is missing")),
                DeliveryCount = metadata is { } m ? ReadInt(m, "DeliveryCount") ?? ReadInt(m, "DequeueCount") ?? 1 : 1,
                MessageId = metadata is { } m2 ? ReadString(m2, "MessageId") ?? ReadString(m2, "Id") : null,
                // The application properties the retry model and the filters set (older extensions: UserProperties).
                Properties = metadata is { } m3
                    ? ReadStringMap(Property(m3, "ApplicationProperties") ?? Property(m3, "UserProperties"))
                    : new Dictionary<string, string>(),
            },
            _ => new Invocation { FunctionName = definition.Name },
        };
    }

    /// <summary>
    /// Writes the response: the HTTP answer and the logs. Queue messages are not output bindings: the dispatcher has
    /// sent them through the SDK already, since an output binding cannot set a message id or properties.
    /// </summary>
    public static void WriteResult(Utf8JsonWriter writer, FunctionBindings definition, FunctionResult result)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("Outputs");
        if (result.Response is { } response)
        {
            writer.WriteStartObject(HttpRoute.ResponseBindingName);
            writer.WriteNumber("statusCode", response.StatusCode);
            writer.WriteStartObject("headers");
            writer.WriteString("Content-Type", response.ContentType);
            foreach (var (name, value) in response.Headers) writer.WriteString(name, value);
            writer.WriteEndObject();
            writer.WriteString("body", response.Body);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteStartArray("Logs");
        foreach (var line in result.Logs) writer.WriteStringValue(line);
        writer.WriteEndArray();
        writer.WriteNull("ReturnValue");
        writer.WriteEndObject();
    }

    private static InvocationRequest ReadHttpRequest(JsonElement req)
    {
        if (req.ValueKind == JsonValueKind.String)
            req = JsonDocument.Parse(req.GetString()!).RootElement;
        var url = ReadString(req, "Url") ?? "";
        var headers = ReadHeaders(Property(req, "Headers"));
        return new InvocationRequest
        {
            Method = (ReadString(req, "Method") ?? "GET").ToUpperInvariant(),
            Url = url,
            RouteParams = ReadStringMap(Property(req, "Params")),
            Query = ReadQuery(url, Property(req, "Query")),
            Headers = headers,
            RawBody = Property(req, "Body") is { } body ? RawBody(body, headers) : ReadOnlyMemory<byte>.Empty,
        };
    }

    /// <summary>
    /// The request's bytes, as far as the host's payload keeps them (README, raw bodies): the host sends
    /// <c>application/octet-stream</c> and <c>multipart/*</c> bodies as base64 of the bytes it received, and every
    /// other body as the text it decoded as UTF-8, which turns back into the same bytes when they were UTF-8.
    /// </summary>
    private static ReadOnlyMemory<byte> RawBody(JsonElement body, IReadOnlyDictionary<string, string[]> headers)
    {
        switch (body.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return ReadOnlyMemory<byte>.Empty;
            case JsonValueKind.String:
                if (IsSentAsBase64(headers) && body.TryGetBytesFromBase64(out var bytes)) return bytes;
                return Encoding.UTF8.GetBytes(body.GetString()!);
            default:
                return Encoding.UTF8.GetBytes(body.GetRawText()); // a JSON body the host already parsed
        }
    }

    private static bool IsSentAsBase64(IReadOnlyDictionary<string, string[]> headers)
    {
        if (!headers.TryGetValue("Content-Type", out var values) || values.Length == 0) return false;
        if (!System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(values[0], out var contentType)) return false;
        var mediaType = contentType.MediaType ?? "";
        return mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
               || mediaType.Contains("multipart/", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The host comma-joins repeated query keys in <c>Query</c>; the URL keeps them apart, so it is preferred.
    /// </summary>
    private static Dictionary<string, string[]> ReadQuery(string url, JsonElement? query)
    {
        var queryStart = url.IndexOf('?');
        if (queryStart >= 0)
        {
            return QueryHelpers.ParseQuery(url[queryStart..])
                .ToDictionary(kv => kv.Key, kv => kv.Value.Select(v => v ?? "").ToArray(), StringComparer.Ordinal);
        }
        return ReadStringMap(query).ToDictionary(kv => kv.Key, kv => new[] { kv.Value }, StringComparer.Ordinal);
    }

    private static Dictionary<string, string[]> ReadHeaders(JsonElement? headers)
    {
        var result = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        if (headers is not { ValueKind: JsonValueKind.Object } h) return result;
        foreach (var header in h.EnumerateObject())
        {
            result[header.Name] = header.Value.ValueKind == JsonValueKind.Array
                ? header.Value.EnumerateArray().Select(v => v.ToString()).ToArray()
                : [header.Value.ToString()];
        }
        return result;
    }

    private static Dictionary<string, string> ReadStringMap(JsonElement? element)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (element is { ValueKind: JsonValueKind.String } s && s.GetString() is { Length: > 0 } text)
            element = JsonDocument.Parse(text).RootElement; // older hosts sent Query as JSON text
        if (element is not { ValueKind: JsonValueKind.Object } map) return result;
        foreach (var property in map.EnumerateObject()) result[property.Name] = property.Value.ToString();
        return result;
    }

    /// <summary>A queue message may arrive as an object, as JSON text, or as JSON text encoded again as a string.</summary>
    internal static string ReadMessageText(JsonElement trigger)
    {
        if (trigger.ValueKind != JsonValueKind.String) return trigger.GetRawText();
        var text = trigger.GetString()!;
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('"'))
        {
            try
            {
                using var inner = JsonDocument.Parse(trimmed);
                if (inner.RootElement.ValueKind == JsonValueKind.String) return inner.RootElement.GetString()!;
            }
            catch (JsonException)
            {
                // Not a JSON string after all: the text itself is the message.
            }
        }
        return text;
    }

    private static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object) return null;
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) return property.Value;
        }
        return null;
    }

    private static string? ReadString(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: not JsonValueKind.Null } value ? value.ToString() : null;

    private static int? ReadInt(JsonElement element, string name) => Property(element, name) switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var i) => i,
        { ValueKind: JsonValueKind.String } s when int.TryParse(s.GetString(), out var i) => i,
        _ => null,
    };

    public static byte[] Encode(FunctionBindings definition, FunctionResult result)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, PipelineJson.WriterOptions)) WriteResult(writer, definition, result);
        return buffer.ToArray();
    }
}
