using System.Text.Json.Nodes;
using Pipeline.Functions.Tracking;

namespace Pipeline.Functions.IAdvize;

/// <summary>
/// A signed webhook body as the event's data. JSON: the object as received. Form
/// (<c>application/x-www-form-urlencoded</c>, offered by the developer platform's webhook form, shape undocumented):
/// either one <c>payload</c> field holding the JSON object, or the payload's own fields as form fields (bracket
/// notation for nesting), with the digest's integer fields (<see cref="IntegerFields"/>) made numbers again. Either
/// way <c>createdAt</c>/<c>sentAt</c> become UTC instants and the delivery headers are added under <c>delivery</c>.
/// </summary>
public static class WebhookPayload
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxIdLength = 256;
    public const string DeliveryHeader = "X-iAdvize-Delivery";
    public const string CorrelationHeader = "X-iAdvize-CorrelationId";

    public static readonly string[] IntegerFields = ["websiteId", "clientId", "conversationId", "operatorId", "userId", "score"];

    /// <summary>
    /// The highest satisfaction score taken (the digest says only "integer"; iAdvize's surveys score 1–5 or 0–10). A
    /// larger one would be averaged into the website's satisfaction as if it were real.
    /// </summary>
    public const int MaxScore = 100;

    public static readonly string[] DateFields = ["createdAt", "sentAt"];

    public sealed record Parsed(JsonObject Data, string EventType, string? EventId, string? DeliveryId, string? CorrelationId);

    /// <returns>The event, or the problem to answer with a 400 (413 when too large).</returns>
    public static (Parsed? Event, int Status, string? Problem) Parse(HttpRequestData request)
    {
        var bytes = request.RawBody();
        if (bytes.Length > MaxBodyBytes) return (null, 413, $"body is larger than {MaxBodyBytes / 1024} KiB");
        var text = Encoding.UTF8.GetString(bytes.Span);
        if (string.IsNullOrWhiteSpace(text)) return (null, 400, "body is empty; expected a JSON object or a form with eventType");

        var contentType = request.FirstHeader("Content-Type") ?? "";
        var isForm = contentType.Contains("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
                     || (!contentType.Contains("json", StringComparison.OrdinalIgnoreCase) && !text.TrimStart().StartsWith('{')
                         && !text.TrimStart().StartsWith('['));
        JsonObject payload;
        try
        {
            var node = isForm ? FromForm(text) : ParseNode(text);
            if (node is not JsonObject obj)
                return (null, 400, isForm ? "body must be a form of the event's fields" : "body must be a JSON object, not " + Kind(node));
            payload = obj;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidDataException or ArgumentException)
        {
            return (null, 400, isForm ? $"body is not a valid form: {ex.Message}" : "body is not valid JSON: " + (ex is JsonException json ? RequestBodies.Reason(json) : RequestBodies.Clip(ex.Message, 160)));
        }

        if (payload["eventType"] is not JsonValue typeValue || !typeValue.TryGetValue<string>(out var eventType)
                                                            || string.IsNullOrWhiteSpace(eventType))
            return (null, 400, "eventType is required (a string such as conversation.closed)");
        if (eventType.Length > 100 || eventType.Any(char.IsControl))
            return (null, 400, "eventType must be at most 100 printable characters");

        var eventId = IAdvizeSubjects.Text(payload["eventId"]);
        if (payload["eventId"] is { } rawId && eventId is null) return (null, 400, "eventId must be a string");
        foreach (var field in IAdvizeSubjects.Fields.Select(f => f.Field).Append("eventId"))
        {
            if (IAdvizeSubjects.Text(payload[field]) is { Length: > MaxIdLength })
                return (null, 400, $"{field} must be at most {MaxIdLength} characters");
        }
        foreach (var field in IntegerFields)
        {
            if (payload[field] is null) continue;
            var max = field == "score" ? MaxScore : long.MaxValue;
            if (!(payload[field] is JsonValue number && number.GetValueKind() == JsonValueKind.Number
                  && number.TryGetValue<long>(out var whole) && whole >= 0 && whole <= max))
                return (null, 400, field == "score"
                    ? $"score must be a whole number from 0 to {MaxScore}"
                    : $"{field} must be a whole number (an iAdvize id) of at least 0");
        }
        if (payload["channel"] is { } channel
            && !(channel is JsonValue channelValue && channelValue.TryGetValue<string>(out var channelName) && channelName.Length <= MaxIdLength))
            return (null, 400, $"channel must be a string of at most {MaxIdLength} characters");
        foreach (var field in DateFields)
        {
            if (payload[field] is null) continue;
            if (!TryInstant(payload[field], out var instant))
                return (null, 400, $"{field} must be an ISO-8601 date such as 2017-04-22T11:01:00+02:00");
            payload[field] = instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        }

        var deliveryId = Limit(request.FirstHeader(DeliveryHeader));
        var correlationId = Limit(request.FirstHeader(CorrelationHeader));
        payload["delivery"] = new JsonObject { ["id"] = deliveryId, ["correlationId"] = correlationId };
        return (new Parsed(payload, eventType.Trim(), eventId, deliveryId, correlationId), 200, null);
    }

    public static bool TryInstant(JsonNode? node, out DateTimeOffset instant)
    {
        instant = default;
        return node is JsonValue value && value.TryGetValue<string>(out var text)
               && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                   DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant);
    }

    private static JsonNode? FromForm(string text)
    {
        var form = JsonNode.Parse(BracketForm.Parse(text).GetRawText())!.AsObject();
        if (form.Count == 1 && form["payload"] is JsonValue wrapped && wrapped.TryGetValue<string>(out var json))
            return ParseNode(json);
        foreach (var field in IntegerFields)
        {
            if (form[field] is JsonValue v && v.TryGetValue<string>(out var s)
                && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                form[field] = number;
        }
        return form;
    }

    /// <summary>
    /// JSON whose every string can be read back (no lone surrogate escape) and whose object names each property once:
    /// <see cref="JsonObject"/> throws on either only when the field is first read, long after the signature was checked.
    /// </summary>
    /// <exception cref="JsonException">the text is not such JSON.</exception>
    private static JsonNode? ParseNode(string text)
    {
        var element = RequestBodies.ParseJson(text);
        return element.ValueKind switch
        {
            JsonValueKind.Object => JsonObject.Create(element),
            JsonValueKind.Array => JsonArray.Create(element),
            JsonValueKind.Null => null,
            _ => JsonValue.Create(element),
        };
    }

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        _ => "a " + node.GetValueKind().ToString().ToLowerInvariant(),
    };

    private static string? Limit(string? header) =>
        string.IsNullOrWhiteSpace(header) ? null : header.Length > MaxIdLength ? header[..MaxIdLength] : header.Trim();
}
