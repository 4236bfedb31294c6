namespace Pipeline.Functions.Tracking;

/// <summary>
/// The body shared by <c>/jsapi/send</c> and <c>/mobileapi/send</c>: <c>actionType</c>, <c>requestType</c> and the
/// vendor-spelled <c>aditionalData</c>, checked against the digest's rules and written with typed values.
/// </summary>
public static class TrackingAction
{
    public static readonly string[] ActionTypes = ["visit", "sale", "contact", "feedback", "engagement", "profiling"];

    /// <summary>
    /// The largest receipt, either way: the metrics sum a day's sales, and a larger value is no sum of money (it would
    /// be counted as a sale while its value could not be added).
    /// </summary>
    public const double MaxReceiptValue = 1e15;

    /// <returns>The typed event data (the id fields excluded), or the problems found.</returns>
    public static (JsonElement? Data, FieldProblems Problems) Validate(JsonElement body)
    {
        var problems = new FieldProblems();
        var actionType = TrackingRequest.Text(body, "actionType");
        if (actionType is null) problems.Add("actionType", "is required");
        else if (!ActionTypes.Contains(actionType)) problems.Add("actionType", $"must be one of {string.Join(", ", ActionTypes)}");
        var requestType = TrackingRequest.Text(body, "requestType");
        if ((requestType is not null and not "action") || TrackingRequest.IsNotText(body, "requestType"))
            problems.Add("requestType", "must be 'action'");

        var additional = body.TryGetProperty("aditionalData", out var a) ? a : default;
        if (additional.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Object))
            problems.Add("aditionalData", "must be a set of fields (aditionalData[name]=value)");

        var json = RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("actionType", actionType);
            w.WriteString("requestType", "action");
            w.WriteStartObject("aditionalData");
            if (additional.ValueKind == JsonValueKind.Object)
                foreach (var field in additional.EnumerateObject()) WriteField(w, field, problems);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        if (problems.Any) return (null, problems);
        using var document = JsonDocument.Parse(json);
        return (document.RootElement.Clone(), problems);
    }

    private static void WriteField(Utf8JsonWriter w, JsonProperty field, FieldProblems problems)
    {
        var key = $"aditionalData[{field.Name}]";
        switch (field.Name)
        {
            case "brands" or "tenants" or "interests":
                var items = field.Value.ValueKind switch
                {
                    JsonValueKind.Array => field.Value.EnumerateArray().Select(v => v.ToString()).ToList(),
                    JsonValueKind.String => [field.Value.GetString()!],
                    _ => null,
                };
                if (items is null) { problems.Add(key, "must be a list of names"); return; }
                w.WriteStartArray(field.Name);
                foreach (var item in items) w.WriteStringValue(item);
                w.WriteEndArray();
                return;
            case "receipts":
                if (field.Value.ValueKind != JsonValueKind.Array) { problems.Add(key, "must be a list of {name, value}"); return; }
                w.WriteStartArray(field.Name);
                var index = 0;
                foreach (var receipt in field.Value.EnumerateArray())
                {
                    var name = receipt.ValueKind == JsonValueKind.Object ? TrackingRequest.Text(receipt, "name") : null;
                    var value = receipt.ValueKind == JsonValueKind.Object ? TrackingRequest.Text(receipt, "value") : null;
                    if (string.IsNullOrEmpty(name) || !TryNumber(value, out var amount))
                    {
                        problems.Add($"{key}[{index}]", "needs a name and a numeric value");
                    }
                    else if (Math.Abs(amount) > MaxReceiptValue)
                    {
                        problems.Add($"{key}[{index}]", $"value must be at most {MaxReceiptValue:0} either way");
                    }
                    else
                    {
                        w.WriteStartObject();
                        w.WriteString("name", name);
                        w.WriteNumber("value", amount);
                        w.WriteEndObject();
                    }
                    index++;
                }
                w.WriteEndArray();
                return;
            case "rating":
                // "a number between 1-10" (the digest): 7.5 is such a number.
                if (!TryNumber(Scalar(field.Value), out var rating) || rating is < 1 or > 10)
                    problems.Add(key, "must be a number from 1 to 10");
                else w.WriteNumber(field.Name, rating);
                return;
            case "percentCompleted":
                if (!TryNumber(Scalar(field.Value)?.TrimEnd('%'), out var percent) || percent is < 0 or > 100)
                    problems.Add(key, "must be a number from 0 to 100");
                else w.WriteNumber(field.Name, percent);
                return;
            case "appointmentDate":
                if (!DateTime.TryParseExact(Scalar(field.Value), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture,
                        DateTimeStyles.None, out var appointment))
                    problems.Add(key, "must be a date like 2024-05-01 14:30:00");
                else w.WriteString(field.Name, appointment.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
                return;
            case "senderType":
                if (Scalar(field.Value) is not ("person" or "organization")) problems.Add(key, "must be 'person' or 'organization'");
                else w.WriteString(field.Name, Scalar(field.Value));
                return;
            default:
                w.WritePropertyName(field.Name);
                field.Value.WriteTo(w);
                return;
        }
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    public static bool TryNumber(string? text, out double number)
    {
        number = 0;
        return text is not null && double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out number)
               && double.IsFinite(number);
    }
}
