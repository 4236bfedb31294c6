using System.Text.RegularExpressions;

namespace Pipeline.Functions.Reportei;

/// <summary>Whole UTC days from <see cref="First"/> to <see cref="Last"/>, both included.</summary>
public sealed record Period(DateOnly First, DateOnly Last)
{
    public int Days => Last.DayNumber - First.DayNumber + 1;

    public IEnumerable<DateOnly> EachDay() => Enumerable.Range(0, Days).Select(First.AddDays);
}

public sealed record MetricRequest(string Id, string ReferenceKey, string Component, IReadOnlyList<string> Metrics,
    IReadOnlyList<string> Dimensions);

public sealed record MetricsDataRequest(Guid CustomerIntegration, Period Period, Period? Comparison, IReadOnlyList<MetricRequest> Metrics);

/// <summary>
/// The body of <c>get-data</c> and <c>get-data-async</c> (seed 004), checked field by field: every problem is named
/// (<c>metrics[2].component</c>) in one 422. Unknown keys and components are not field errors: they are answered per metric.
/// </summary>
public static partial class MetricsRequestParser
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxMetrics = 50;
    public const int MaxPeriodDays = 1096;
    private const int MaxTextLength = 256;

    /// <returns>The request, or the response to answer instead (400 for a body that is not JSON, 422 for field errors).</returns>
    public static (MetricsDataRequest? Request, JsonElement Body, HttpResponseData? Error) Read(HttpRequestData request)
    {
        if (RequestBodies.ReadJsonObject(request, MaxBodyBytes, out var body, emptyIsNoFields: true) is { } refused)
            return (null, default, ReporteiResponses.Error(request, (int)refused.Status, refused.Message));
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var parsed = Parse(body, errors);
        return errors.Count > 0 ? (null, body, ReporteiResponses.Invalid(request, errors)) : (parsed, body, null);
    }

    /// <summary>Reads a body; adds each problem to <paramref name="errors"/> (and returns null when there is any).</summary>
    public static MetricsDataRequest? Parse(JsonElement body, Dictionary<string, string> errors)
    {
        Guid integration = default;
        if (RequiredText(body, "customer_integration", errors) is { } text && !Guid.TryParse(text, out integration))
            errors["customer_integration"] = "must be a uuid";

        var start = Date(body, "start", required: true, errors);
        var end = Date(body, "end", required: true, errors);
        var period = PeriodOf(start, end, "end", errors);

        var comparisonStart = Date(body, "comparison_start", required: false, errors);
        var comparisonEnd = Date(body, "comparison_end", required: false, errors);
        Period? comparison = null;
        if (Present(body, "comparison_start") != Present(body, "comparison_end"))
            errors[Present(body, "comparison_start") ? "comparison_end" : "comparison_start"] =
                "is required with the other comparison date (send both or neither)";
        else comparison = PeriodOf(comparisonStart, comparisonEnd, "comparison_end", errors);

        var metrics = MetricsOf(body, errors);
        return errors.Count > 0 ? null : new MetricsDataRequest(integration, period!, comparison, metrics);
    }

    private static Period? PeriodOf(DateOnly? first, DateOnly? last, string endField, Dictionary<string, string> errors)
    {
        if (first is not { } f || last is not { } l) return null;
        if (l < f)
        {
            errors[endField] = "is before the start of the period";
            return null;
        }
        var period = new Period(f, l);
        if (period.Days > MaxPeriodDays) errors[endField] = $"makes a period of {period.Days} days; at most {MaxPeriodDays} are answered";
        return period;
    }

    private static List<MetricRequest> MetricsOf(JsonElement body, Dictionary<string, string> errors)
    {
        var list = new List<MetricRequest>();
        if (!body.TryGetProperty("metrics", out var metrics) || metrics.ValueKind == JsonValueKind.Null)
        {
            errors["metrics"] = "is required: a list of 1 to 50 metrics";
            return list;
        }
        if (metrics.ValueKind != JsonValueKind.Array)
        {
            errors["metrics"] = "must be a list of metrics";
            return list;
        }
        var count = metrics.GetArrayLength();
        if (count is 0 or > MaxMetrics)
        {
            errors["metrics"] = $"must hold 1 to {MaxMetrics} metrics, not {count}";
            return list;
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var metric in metrics.EnumerateArray())
        {
            var prefix = $"metrics[{index++}]";
            if (metric.ValueKind != JsonValueKind.Object)
            {
                errors[prefix] = "must be an object with id, reference_key, component, metrics and dimensions";
                continue;
            }
            var id = RequiredText(metric, "id", errors, prefix);
            if (id is not null && !ids.Add(id)) errors[$"{prefix}.id"] = $"'{id}' is used by an earlier metric; ids must be unique";
            var key = RequiredText(metric, "reference_key", errors, prefix);
            var component = RequiredText(metric, "component", errors, prefix);
            var names = TextList(metric, "metrics", errors, prefix);
            var dimensions = TextList(metric, "dimensions", errors, prefix);
            if (id is not null && key is not null && component is not null && names is not null && dimensions is not null)
                list.Add(new MetricRequest(id, key, component, names, dimensions));
        }
        return list;
    }

    private static bool Present(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    private static string? RequiredText(JsonElement body, string name, Dictionary<string, string> errors, string? prefix = null)
    {
        var field = prefix is null ? name : $"{prefix}.{name}";
        if (!Present(body, name)) errors[field] = "is required";
        else if (body.GetProperty(name).ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(body.GetProperty(name).GetString()))
            errors[field] = "must be a non-empty string";
        else if (body.GetProperty(name).GetString()!.Length > MaxTextLength) errors[field] = $"must be at most {MaxTextLength} characters";
        else return body.GetProperty(name).GetString();
        return null;
    }

    private static List<string>? TextList(JsonElement body, string name, Dictionary<string, string> errors, string prefix)
    {
        if (!Present(body, name)) return [];
        var value = body.GetProperty(name);
        if (value.ValueKind != JsonValueKind.Array
            || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String || v.GetString()!.Length > MaxTextLength))
        {
            errors[$"{prefix}.{name}"] = "must be a list of strings";
            return null;
        }
        return value.EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    /// <summary>An ISO 8601 date (a whole UTC day) or date-time (the UTC day it falls on).</summary>
    private static DateOnly? Date(JsonElement body, string name, bool required, Dictionary<string, string> errors)
    {
        if (!Present(body, name))
        {
            if (required) errors[name] = "is required: an ISO 8601 date (2024-01-31) or date-time";
            return null;
        }
        var value = body.GetProperty(name);
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : null;
        if (text is not null && IsoDate().IsMatch(text))
        {
            if (text.Length == 10 && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                return date;
            if (text.Length > 10 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
                return DateOnly.FromDateTime(instant.UtcDateTime);
        }
        errors[name] = "must be an ISO 8601 date (2024-01-31) or date-time (2024-01-31T12:00:00Z)";
        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")]
    private static partial Regex IsoDate();
}
