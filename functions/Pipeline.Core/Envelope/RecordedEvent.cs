namespace Pipeline.Functions.Envelope;

/// <summary>
/// An event as its producer declares it: the event types it is recorded under, and how its record is read from an
/// envelope. Each module defines its events as such records in one file (<c>…Events.cs</c>); a consumer subscribes
/// to the records it reads (<c>AddSubscription&lt;TEvent, THandler&gt;()</c>) and never reads another module's payload
/// by its keys. The envelope still carries the type and the data as stored, so old events stay readable.
/// </summary>
public interface IRecordedEvent<out TSelf> where TSelf : IRecordedEvent<TSelf>
{
    /// <summary>The event types this record stands for: exact, or a prefix ending in <c>.*</c>.</summary>
    static abstract IReadOnlyList<string> EventTypes { get; }

    /// <summary>
    /// The record of an envelope of one of <see cref="EventTypes"/>. Never throws for data its producer accepted:
    /// a field it cannot read is absent, since an unreadable event would fail on every retry and be lost.
    /// </summary>
    static abstract TSelf Read(EventEnvelope envelope);
}

/// <summary>
/// Lenient reads of a stored event's data, for the record readers of the module that wrote it: a field of another
/// kind than expected reads as absent. (<see cref="System.Text.Json.JsonSerializer"/> would throw on the same data, and
/// old events written before a field's rules tightened must still read.)
/// </summary>
public static class EventData
{
    /// <summary>A non-empty string.</summary>
    public static string? Text(JsonElement data, string name) => TextOf(Field(data, name));

    /// <summary>An id: a non-empty string, or a number's text.</summary>
    public static string? Id(JsonElement data, string name) => Field(data, name) switch
    {
        { ValueKind: JsonValueKind.Number } value => value.GetRawText(),
        var value => TextOf(value),
    };

    /// <summary>A finite number, sent as a number or a numeric string.</summary>
    public static double? Number(JsonElement data, string name) => NumberOf(Field(data, name));

    /// <summary>An instant written as ISO 8601 text.</summary>
    public static DateTimeOffset? Instant(JsonElement data, string name) => InstantOf(Field(data, name));

    public static bool IsTrue(JsonElement data, string name) => Field(data, name) is { ValueKind: JsonValueKind.True };

    /// <summary>The field as it is, or null when the data is no object or has no such field.</summary>
    public static JsonElement? Field(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) ? value : null;

    public static string? TextOf(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.String } v && v.GetString() is { Length: > 0 } text ? text : null;

    public static double? NumberOf(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.Number } v when v.TryGetDouble(out var d) && double.IsFinite(d) => d,
        { ValueKind: JsonValueKind.String } v when double.TryParse(v.GetString(), NumberStyles.Float,
            CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => d,
        _ => null,
    };

    public static DateTimeOffset? InstantOf(JsonElement? value) =>
        TextOf(value) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;
}
