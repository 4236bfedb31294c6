using System.Globalization;
using FsCheck;
using FsCheck.Xunit;
using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.Intercom;

namespace Pipeline.UnitTests;

public sealed class FieldParsersTests
{
    private static readonly DateTimeOffset Epoch2000 = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>What JavaScript's Date.prototype.toString() prints for an instant seen at a given offset.</summary>
    private static string JsDateString(DateTimeOffset utc, TimeSpan offset)
    {
        var local = utc.ToOffset(offset);
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return local.ToString("ddd MMM dd yyyy HH:mm:ss", CultureInfo.InvariantCulture)
               + $" GMT{sign}{abs.Hours:00}{abs.Minutes:00} (Some Zone)";
    }

    [Property]
    public bool Js_date_strings_parse_to_the_same_utc_instant(uint secondsSince2000, sbyte quarterHours)
    {
        var utc = Epoch2000.AddSeconds(secondsSince2000 % (60L * 365 * 24 * 3600));
        var offset = TimeSpan.FromMinutes(15 * (quarterHours % 49)); // -12:00 … +12:00 in quarter hours
        return FieldParsers.TryParseDate(JsDateString(utc, offset), out var parsed) && parsed == utc && parsed.Offset == TimeSpan.Zero;
    }

    [Property]
    public bool Iso_dates_parse_to_the_same_utc_instant(uint secondsSince2000, sbyte quarterHours)
    {
        var utc = Epoch2000.AddSeconds(secondsSince2000 % (60L * 365 * 24 * 3600));
        var offset = TimeSpan.FromMinutes(15 * (quarterHours % 49));
        var text = utc.ToOffset(offset).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        return FieldParsers.TryParseDate(text, out var parsed) && parsed == utc;
    }

    [Theory]
    [InlineData("Thu Feb 18 2016 14:22:45 GMT+0100 (CET)", "2016-02-18T13:22:45Z")]
    [InlineData("Thu Feb 18 2016 14:22:45 GMT-0500", "2016-02-18T19:22:45Z")]
    [InlineData("2016-02-18T14:22:45Z", "2016-02-18T14:22:45Z")]
    [InlineData("2016-02-18", "2016-02-18T00:00:00Z")]
    [InlineData("2016-02-18T14:22:45", "2016-02-18T14:22:45Z")]
    public void Seed_date_forms_become_utc(string text, string expected)
    {
        Assert.True(FieldParsers.TryParseDate(text, out var parsed));
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("Thu Feb 31 2016 14:22:45 GMT+0100 (CET)")]
    [InlineData("Thu Foo 18 2016 14:22:45 GMT+0100 (CET)")]
    [InlineData("18/02/2016")]
    [InlineData("1455801765")]
    public void Non_dates_are_rejected(string text) => Assert.False(FieldParsers.TryParseDate(text, out _));

    [Property]
    public bool Money_with_a_symbol_or_code_parses_amount_and_currency(uint cents, bool symbolFirst, byte currencyPick)
    {
        var (symbol, code) = new[] { ("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("Ft", "HUF"), ("USD", "USD"), ("eur", "EUR") }[currencyPick % 6];
        var amount = cents / 100m;
        var number = amount.ToString("0.00", CultureInfo.InvariantCulture);
        var text = symbolFirst ? $"{symbol} {number}" : $"{number} {symbol}";
        return FieldParsers.TryParseMoney(text, out var parsedAmount, out var currency) && parsedAmount == amount && currency == code;
    }

    [Theory]
    [InlineData("$ 5000", 5000, "USD")]
    [InlineData("$5,000.50", 5000.50, "USD")]
    [InlineData("5.000,50 €", 5000.50, "EUR")]
    [InlineData("1 200 Ft", 1200, "HUF")]
    [InlineData("32", 32, null)]
    public void Seed_money_forms(string text, double amount, string? currency)
    {
        Assert.True(FieldParsers.TryParseMoney(text, out var parsed, out var code));
        Assert.Equal((decimal)amount, parsed);
        Assert.Equal(currency, code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("$")]
    [InlineData("five dollars")]
    [InlineData("$ 5 €")]
    public void Non_money_is_rejected(string text) => Assert.False(FieldParsers.TryParseMoney(text, out _, out _));

    [Property]
    public bool Durations_in_units_sum_to_seconds(byte hours, byte minutes, byte seconds)
    {
        var (h, m, s) = (hours % 24, minutes % 60, seconds % 60);
        var text = (h > 0 ? $"{h}h" : "") + (m > 0 ? $"{m}m" : "") + $"{s}s";
        return FieldParsers.TryParseDuration(text, out var parsed) && parsed == h * 3600 + m * 60 + s;
    }

    [Theory]
    [InlineData("5m35s", 335)]
    [InlineData("1h 2m", 3720)]
    [InlineData("35s", 35)]
    [InlineData("01:05:35", 3935)]
    [InlineData("90", 90)]
    public void Seed_duration_forms(string text, double seconds)
    {
        Assert.True(FieldParsers.TryParseDuration(text, out var parsed));
        Assert.Equal(seconds, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("5x")]
    public void Non_durations_are_rejected(string text) => Assert.False(FieldParsers.TryParseDuration(text, out _));

    [Theory]
    [InlineData("1000000:00:00", 3_600_000_000d)]
    [InlineData("99999999999:00:00", 359_999_999_996_400d)]
    [InlineData("4000000000s", 4_000_000_000d)]
    public void Long_durations_are_read_exactly_without_wrapping_around(string text, double seconds)
    {
        // The caller bounds them (FieldParsers.MaxDurationSeconds); the parser never overflows into a negative.
        Assert.True(FieldParsers.TryParseDuration(text, out var parsed));
        Assert.Equal(seconds, parsed);
    }

    [Theory]
    [InlineData(400, "s")]
    [InlineData(400, "h")]
    [InlineData(400, ":00:00")]
    [InlineData(400, "")]
    public void Durations_too_large_for_a_double_are_rejected(int digits, string unit) =>
        Assert.False(FieldParsers.TryParseDuration(new string('9', digits) + unit, out _));

    [Property]
    public bool Integers_round_trip_through_their_text(long value) =>
        FieldParsers.TryParseInteger(value.ToString(CultureInfo.InvariantCulture), out var parsed) && parsed == value;
}
