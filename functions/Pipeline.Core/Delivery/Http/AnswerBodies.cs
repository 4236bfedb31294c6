namespace Pipeline.Functions.Delivery.Http;

/// <summary>
/// A destination's answer body read without throwing: an empty body, text that is not JSON or JSON of another kind
/// is a fact about the answer, to be turned into an outcome by the caller, never an exception out of the delivery.
/// </summary>
public static class AnswerBodies
{
    private const int ClipChars = 200;

    /// <summary>The body as a JSON object; null when it is empty, not JSON, or JSON of another kind.</summary>
    public static JsonElement? TryObject(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What the body was, for a reason that says what was missing from it: empty, not JSON, another JSON kind, or the object.</summary>
    public static string Shape(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "an empty body";
        try
        {
            using var document = JsonDocument.Parse(body);
            var kind = document.RootElement.ValueKind;
            return kind == JsonValueKind.Object
                ? "body " + Clip(body)
                : $"a JSON {kind.ToString().ToLowerInvariant()}, not an object: {Clip(body)}";
        }
        catch (JsonException)
        {
            return "a body that is not JSON: " + Clip(body);
        }
    }

    /// <summary>The start of an answer's text for a reason (surrogate pairs kept whole: the reason is stored as JSON).</summary>
    public static string Clip(string text) => RequestBodies.Clip(text, ClipChars);
}
