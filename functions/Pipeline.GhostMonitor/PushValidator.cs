using System.Net.Mail;

namespace Pipeline.Functions.GhostMonitor;

/// <summary>
/// Checks a push body against its segment's fields and writes the typed event data: numbers as numbers,
/// dates as UTC instants, money as { amount, currency }, durations as seconds.
/// </summary>
public static class PushValidator
{
    public const int MaxTextLength = 255; // Intercom's limit for a string attribute

    /// <summary>Written beside <c>trial_days_left</c> when the push gave the date the trial ends.</summary>
    public const string TrialEndsAtField = "trial_ends_at";

    public sealed record Outcome(JsonElement? Data, FieldProblems Problems)
    {
        public bool IsValid => !Problems.Any;
    }

    public static Outcome Validate(PushSegment segment, JsonElement body)
    {
        var problems = new FieldProblems();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var field in segment.Fields)
            {
                var value = field.AcceptedNames
                    .Select(name => body.TryGetProperty(name, out var v) ? v : (JsonElement?)null)
                    .FirstOrDefault(v => v is not null);
                if (value is not { } present || present.ValueKind is JsonValueKind.Null)
                {
                    problems.Add(field.Name, Describe(field, "is required"));
                    continue;
                }
                var problem = WriteField(writer, field, present);
                if (problem is not null) problems.Add(field.Name, problem);
            }
            writer.WriteEndObject();
        }
        if (problems.Any) return new Outcome(null, problems);
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return new Outcome(document.RootElement.Clone(), problems);
    }

    private static string? WriteField(Utf8JsonWriter writer, FieldSpec field, JsonElement value)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        if (text is null) return Describe(field, $"must be a string or a number, not {value.ValueKind.ToString().ToLowerInvariant()}");
        if (field.Kind is not FieldKind.Text and not FieldKind.Email) text = text.Trim();

        switch (field.Kind)
        {
            case FieldKind.Text:
                if (value.ValueKind != JsonValueKind.String) return Describe(field, "must be a string");
                if (string.IsNullOrWhiteSpace(text)) return Describe(field, "must not be empty");
                if (text.Length > MaxTextLength) return Describe(field, $"must be at most {MaxTextLength} characters");
                writer.WriteString(field.Name, text);
                return null;
            case FieldKind.Email:
                if (!IsEmail(text)) return Describe(field, "must be an email address");
                writer.WriteString(field.Name, text.Trim());
                return null;
            case FieldKind.Integer:
                if (FieldParsers.TryParseInteger(text, out var integer))
                {
                    writer.WriteNumber(field.Name, integer);
                    return null;
                }
                // "25.0" is an integer written as a decimal; "25.5" is not.
                if (FieldParsers.TryParseNumber(text, out var whole) && whole == Math.Floor(whole) && Math.Abs(whole) < 9e15)
                {
                    writer.WriteNumber(field.Name, (long)whole);
                    return null;
                }
                return Describe(field, $"must be an integer, got '{Clip(text)}'");
            case FieldKind.Number:
                if (!FieldParsers.TryParseNumber(text, out var number)) return Describe(field, $"must be a number, got '{Clip(text)}'");
                writer.WriteNumber(field.Name, number);
                return null;
            case FieldKind.Date:
                if (!FieldParsers.TryParseDate(text, out var date))
                    return Describe(field, $"must be a date like 'Thu Feb 18 2016 14:22:45 GMT+0100 (CET)' or ISO 8601, got '{Clip(text)}'");
                writer.WriteString(field.Name, date.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                return null;
            case FieldKind.Money:
                if (!FieldParsers.TryParseMoney(text, out var amount, out var currency))
                    return Describe(field, $"must be an amount like '$ 5000', got '{Clip(text)}'");
                writer.WriteStartObject(field.Name);
                writer.WriteNumber("amount", amount);
                if (currency is null) writer.WriteNull("currency");
                else writer.WriteString("currency", currency);
                writer.WriteEndObject();
                return null;
            case FieldKind.Duration:
                if (!FieldParsers.TryParseDuration(text, out var seconds))
                    return Describe(field, $"must be a duration like '5m35s', got '{Clip(text)}'");
                if (seconds > FieldParsers.MaxDurationSeconds)
                    return Describe(field, $"must be at most {FieldParsers.MaxDurationSeconds:0} seconds (about 68 years), got '{Clip(text)}'");
                writer.WriteNumber(field.Name, seconds);
                return null;
            case FieldKind.DaysOrDate:
                if (FieldParsers.TryParseInteger(text, out var days))
                {
                    writer.WriteNumber(field.Name, days);
                    return null;
                }
                if (FieldParsers.TryParseDate(text, out var ends))
                {
                    writer.WriteString(TrialEndsAtField, ends.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                    return null;
                }
                return Describe(field, $"must be a number of days or the date the trial ends, got '{Clip(text)}'");
            default:
                throw new ArgumentOutOfRangeException(nameof(field), field.Kind, "unknown field kind");
        }
    }

    private static bool IsEmail(string text) =>
        text.Length <= MaxTextLength && MailAddress.TryCreate(text.Trim(), out var address) && address.Address == text.Trim()
        && address.Host.Contains('.');

    private static string Describe(FieldSpec field, string problem) =>
        field.Aliases.Length == 0 ? problem : $"{problem} (also accepted as {string.Join(", ", field.Aliases)})";

    private static string Clip(string text) => Hosting.RequestBodies.Clip(text, 40);
}
