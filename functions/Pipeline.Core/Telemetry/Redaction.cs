using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Pipeline.Functions.Telemetry;

/// <summary>
/// The last line of defence before an exporter: email addresses become <c>[email]</c> and URLs lose their query
/// string, in every span tag and log line. The first line is recording no body, header or query at all.
/// </summary>
public static partial class Redaction
{
    public const string EmailPlaceholder = "[email]";

    // Also the percent-encoded form (a%40b.com) a URL or form body would carry.
    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+(?:@|%40)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    public static string Scrub(string text) =>
        text.Contains('@') || text.Contains("%40", StringComparison.OrdinalIgnoreCase) ? Email().Replace(text, EmailPlaceholder) : text;

    /// <summary>A URL without its query string and fragment (which may carry emails, keys or signatures).</summary>
    public static string WithoutQuery(string url)
    {
        var cut = url.IndexOfAny(['?', '#']);
        return cut < 0 ? url : url[..cut];
    }

    internal static readonly HashSet<string> UrlTags = new(StringComparer.Ordinal) { "url.full", "http.url", "http.target" };

    /// <summary>Scrubs every string tag and the status description of a finished span before the exporters that follow see it.</summary>
    internal sealed class SpanProcessor : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity activity)
        {
            List<KeyValuePair<string, object?>>? changes = null;
            foreach (var (key, value) in activity.TagObjects)
            {
                if (value is not string text) continue;
                var scrubbed = key == "url.query" ? null : Scrub(UrlTags.Contains(key) ? WithoutQuery(text) : text);
                if (!ReferenceEquals(scrubbed, text)) (changes ??= []).Add(new(key, scrubbed));
            }
            if (activity.StatusDescription is { } description && !ReferenceEquals(Scrub(description), description))
                activity.SetStatus(activity.Status, Scrub(description));
            if (changes is null) return;
            foreach (var (key, value) in changes) activity.SetTag(key, value);
        }
    }

    /// <summary>Scrubs the message, the attributes and any exception text of a log record.</summary>
    internal sealed class LogProcessor : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord record)
        {
            if (record.FormattedMessage is { } message) record.FormattedMessage = Scrub(message);
            if (record.Attributes is { Count: > 0 } attributes && attributes.Any(a => a.Value is string s && !ReferenceEquals(Scrub(s), s)))
                record.Attributes = attributes.Select(a => a.Value is string s ? new KeyValuePair<string, object?>(a.Key, Scrub(s)) : a).ToList();
            if (record.Exception is { } exception && !ReferenceEquals(Scrub(exception.Message), exception.Message))
                record.Exception = new RedactedException(exception);
        }
    }

    /// <summary>Stands in for an exception whose message quoted an email address.</summary>
    public sealed class RedactedException(Exception original)
        : Exception($"{original.GetType().FullName}: {Scrub(original.Message)}");
}
