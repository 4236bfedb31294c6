using System.Text.RegularExpressions;

namespace Pipeline.Functions.GhostMonitor;

/// <summary>Parsers for the loosely typed strings of the Intercom service seed. Each returns false on bad input.</summary>
public static partial class FieldParsers
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>JavaScript's Date.toString() form (<c>Thu Feb 18 2016 14:22:45 GMT+0100 (CET)</c>) or ISO 8601; UTC out.</summary>
    public static bool TryParseDate(string text, out DateTimeOffset utc)
    {
        utc = default;
        text = text.Trim();
        var js = JsDate().Match(text);
        if (js.Success)
        {
            var month = Array.FindIndex(Months, m => m.Equals(js.Groups["mon"].Value, StringComparison.OrdinalIgnoreCase)) + 1;
            var offsetText = js.Groups["off"].Value;
            var offset = new TimeSpan(int.Parse(offsetText[1..3], CultureInfo.InvariantCulture),
                int.Parse(offsetText[3..5], CultureInfo.InvariantCulture), 0);
            if (offsetText[0] == '-') offset = -offset;
            if (month == 0 || offset > TimeSpan.FromHours(14)) return false;
            try
            {
                var local = new DateTime(int.Parse(js.Groups["y"].Value, CultureInfo.InvariantCulture), month,
                    int.Parse(js.Groups["d"].Value, CultureInfo.InvariantCulture),
                    int.Parse(js.Groups["h"].Value, CultureInfo.InvariantCulture),
                    int.Parse(js.Groups["m"].Value, CultureInfo.InvariantCulture),
                    int.Parse(js.Groups["s"].Value, CultureInfo.InvariantCulture), DateTimeKind.Unspecified);
                utc = new DateTimeOffset(local, offset).ToUniversalTime();
                return true;
            }
            catch (ArgumentOutOfRangeException)
            {
                return false; // 31 Feb and the like
            }
        }

        if (!IsoDate().IsMatch(text)) return false;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)) return false;
        utc = parsed.ToUniversalTime();
        return true;
    }

    private static readonly Dictionary<string, string> CurrencySymbols = new(StringComparer.OrdinalIgnoreCase)
    {
        ["$"] = "USD", ["US$"] = "USD", ["€"] = "EUR", ["£"] = "GBP", ["¥"] = "JPY", ["Ft"] = "HUF", ["zł"] = "PLN",
        ["kr"] = "SEK", ["Kč"] = "CZK", ["R$"] = "BRL", ["C$"] = "CAD", ["A$"] = "AUD", ["CHF"] = "CHF", ["₹"] = "INR",
    };

    /// <summary>Money such as <c>$ 5000</c>, <c>5 000,50 €</c>, <c>HUF 1200</c> or a bare number (currency unknown).</summary>
    public static bool TryParseMoney(string text, out decimal amount, out string? currency)
    {
        amount = 0;
        currency = null;
        var match = Money().Match(text.Trim());
        if (!match.Success) return false;
        var before = match.Groups["pre"].Value.Trim();
        var after = match.Groups["post"].Value.Trim();
        if (before.Length > 0 && after.Length > 0) return false;
        var unit = before.Length > 0 ? before : after;
        if (unit.Length > 0)
        {
            if (CurrencySymbols.TryGetValue(unit, out var code)) currency = code;
            else if (unit.Length == 3 && unit.All(char.IsAsciiLetter)) currency = unit.ToUpperInvariant();
            else return false;
        }
        return TryParseAmount(match.Groups["num"].Value, out amount);
    }

    /// <summary>Accepts 5000, 5,000.50, 5 000,50 and 5.000,50: the last separator followed by 1–2 digits is the decimal one.</summary>
    private static bool TryParseAmount(string text, out decimal amount)
    {
        var digits = text.Replace(" ", "").Replace("\u00A0", "");
        var lastSeparator = digits.LastIndexOfAny(['.', ',']);
        if (lastSeparator >= 0 && digits.Length - lastSeparator - 1 is 1 or 2)
        {
            var whole = digits[..lastSeparator].Replace(".", "").Replace(",", "");
            digits = whole + "." + digits[(lastSeparator + 1)..];
        }
        else
        {
            digits = digits.Replace(".", "").Replace(",", "");
        }
        return decimal.TryParse(digits, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
            CultureInfo.InvariantCulture, out amount);
    }

    /// <summary>
    /// The longest duration accepted: 2^31-1 seconds (about 68 years), so that any consumer, Intercom's numbers
    /// included, holds it exactly. Anything longer is a client's mistake and is refused, never wrapped around.
    /// </summary>
    public const double MaxDurationSeconds = int.MaxValue;

    /// <summary>
    /// Durations such as <c>5m35s</c>, <c>1h 2m</c>, <c>35s</c>, <c>01:05:35</c> or plain seconds; seconds out.
    /// Every part is read as a double, so no size of number overflows; a result that is not finite is refused.
    /// Callers bound the result (<see cref="MaxDurationSeconds"/>).
    /// </summary>
    public static bool TryParseDuration(string text, out double seconds)
    {
        seconds = 0;
        text = text.Trim();
        if (TryParseNumber(text, out seconds)) return seconds >= 0;
        var clock = ClockDuration().Match(text);
        if (clock.Success)
        {
            var hours = clock.Groups["h"].Success ? double.Parse(clock.Groups["h"].Value, CultureInfo.InvariantCulture) : 0;
            seconds = hours * 3600 + double.Parse(clock.Groups["m"].Value, CultureInfo.InvariantCulture) * 60
                      + double.Parse(clock.Groups["s"].Value, CultureInfo.InvariantCulture);
            return double.IsFinite(seconds);
        }
        var units = UnitDuration().Match(text);
        if (!units.Success || text.Length == 0) return false;
        double Part(string name, double factor) =>
            units.Groups[name].Success ? double.Parse(units.Groups[name].Value, CultureInfo.InvariantCulture) * factor : 0;
        seconds = Part("d", 86400) + Part("h", 3600) + Part("m", 60) + Part("s", 1);
        return double.IsFinite(seconds);
    }

    public static bool TryParseInteger(string text, out long value) =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryParseNumber(string text, out double value)
    {
        var ok = double.TryParse(text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
            CultureInfo.InvariantCulture, out value);
        return ok && double.IsFinite(value);
    }

    [GeneratedRegex(@"^(?:[A-Za-z]{3},?\s+)?(?<mon>[A-Za-z]{3})\s+(?<d>\d{1,2})\s+(?<y>\d{4})\s+(?<h>\d{2}):(?<m>\d{2}):(?<s>\d{2})\s+GMT(?<off>[+-]\d{4})(?:\s+\([^)]*\))?$")]
    private static partial Regex JsDate();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$", RegexOptions.IgnoreCase)]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"^(?<pre>[^\d\s.,+-]{1,3}\$?)?\s*(?<num>[+-]?\d[\d\s\u00A0.,]*)\s*(?<post>[^\d\s.,]{1,3})?$")]
    private static partial Regex Money();

    [GeneratedRegex(@"^(?:(?<h>\d+):)?(?<m>\d{1,2}):(?<s>\d{2}(?:\.\d+)?)$")]
    private static partial Regex ClockDuration();

    [GeneratedRegex(@"^(?:(?<d>\d+(?:\.\d+)?)\s*d\s*)?(?:(?<h>\d+(?:\.\d+)?)\s*h\s*)?(?:(?<m>\d+(?:\.\d+)?)\s*m(?:in)?\s*)?(?:(?<s>\d+(?:\.\d+)?)\s*s(?:ec)?)?$", RegexOptions.IgnoreCase)]
    private static partial Regex UnitDuration();
}
