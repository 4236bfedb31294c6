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
/// The body of <c>get-data</c> and <c>get-data-async</c> (seed 004) as sent; <see cref="Check"/> names every problem
/// (<c>metrics[2].component</c>) for one 422. Unknown keys and components are not field errors: they are answered per
/// metric. Each metric is bound on its own, so that its problems are named under its index.
/// </summary>
/// <param name="MetricsWebhookUrl">get-data-async's callback (<see cref="WebhookUrl"/>); get-data ignores it as any other field.</param>
public sealed partial record MetricsDataBody(string? CustomerIntegration, string? Start, string? End, string? ComparisonStart,
    string? ComparisonEnd, IReadOnlyList<JsonElement>? Metrics, string? MetricsWebhookUrl)
{
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxMetrics = 50;
    public const int MaxPeriodDays = 1096;
    public const int MaxUrlLength = 2048;
    internal const int MaxTextLength = 256;
    private const string NotADate = "must be an ISO 8601 date (2024-01-31) or date-time (2024-01-31T12:00:00Z)";

    /// <returns>The request; null when <paramref name="problems"/> names any.</returns>
    public MetricsDataRequest? Check(FieldProblems problems)
    {
        Guid integration = default;
        if (RequiredText(problems, "customer_integration", CustomerIntegration) is { } text && !Guid.TryParse(text, out integration))
            problems.Add("customer_integration", "must be a uuid");

        var period = PeriodOf(problems, Date(problems, "start", Start, required: true), Date(problems, "end", End, required: true), "end");

        var comparisonStart = Date(problems, "comparison_start", ComparisonStart, required: false);
        var comparisonEnd = Date(problems, "comparison_end", ComparisonEnd, required: false);
        bool Sent(string field, string? value) => value is not null || problems.IsWrongType(field);
        Period? comparison = null;
        if (Sent("comparison_start", ComparisonStart) != Sent("comparison_end", ComparisonEnd))
            problems.Add(Sent("comparison_start", ComparisonStart) ? "comparison_end" : "comparison_start",
                "is required with the other comparison date (send both or neither)");
        else comparison = PeriodOf(problems, comparisonStart, comparisonEnd, "comparison_end");

        var metrics = MetricsOf(problems);
        return problems.Any ? null : new MetricsDataRequest(integration, period!, comparison, metrics);
    }

    /// <returns>get-data-async's callback URL, trimmed; null when <paramref name="problems"/> names it.</returns>
    public string? WebhookUrl(FieldProblems problems)
    {
        const string field = "metrics_webhook_url";
        var url = MetricsWebhookUrl?.Trim();
        if (problems.WrongType(field, "must be a non-empty string")) return null;
        if (url is null) problems.Add(field, "is required: the URL the metrics are posted to");
        else if (url.Length == 0) problems.Add(field, "must be a non-empty string");
        else if (url.Length > MaxUrlLength) problems.Add(field, $"must be at most {MaxUrlLength} characters");
        else return url;
        return null;
    }

    private static Period? PeriodOf(FieldProblems problems, DateOnly? first, DateOnly? last, string endField)
    {
        if (first is not { } f || last is not { } l) return null;
        if (l < f)
        {
            problems.Add(endField, "is before the start of the period");
            return null;
        }
        var period = new Period(f, l);
        if (period.Days > MaxPeriodDays) problems.Add(endField, $"makes a period of {period.Days} days; at most {MaxPeriodDays} are answered");
        return period;
    }

    private List<MetricRequest> MetricsOf(FieldProblems problems)
    {
        var list = new List<MetricRequest>();
        if (problems.WrongType("metrics", "must be a list of metrics")) return list;
        if (Metrics is null)
        {
            problems.Add("metrics", $"is required: a list of 1 to {MaxMetrics} metrics");
            return list;
        }
        if (Metrics.Count is 0 or > MaxMetrics)
        {
            problems.Add("metrics", $"must hold 1 to {MaxMetrics} metrics, not {Metrics.Count}");
            return list;
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (index, item) in Metrics.Index())
        {
            var prefix = $"metrics[{index}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                problems.Add(prefix, "must be an object with id, reference_key, component, metrics and dimensions");
                continue;
            }
            var metric = RequestBodies.Bind(item, ReporteiJson.Default.MetricBody, out var metricProblems).Check(metricProblems, ids);
            foreach (var (field, message) in metricProblems.All) problems.Add($"{prefix}.{field}", message);
            if (metric is not null) list.Add(metric);
        }
        return list;
    }

    internal static string? RequiredText(FieldProblems problems, string field, string? value) =>
        Text(problems, field, value, required: true, MaxTextLength);

    /// <summary>A text field of Reportei's bodies: non-empty and at most <paramref name="maxLength"/> characters.</summary>
    /// <returns>The text; null when it is not sent or <paramref name="problems"/> names it.</returns>
    internal static string? Text(FieldProblems problems, string field, string? value, bool required, int maxLength)
    {
        if (problems.WrongType(field, "must be a non-empty string")) return null;
        if (value is null)
        {
            if (required) problems.Add(field, "is required");
        }
        else if (string.IsNullOrWhiteSpace(value)) problems.Add(field, "must be a non-empty string");
        else if (value.Length > maxLength) problems.Add(field, $"must be at most {maxLength} characters");
        else return value;
        return null;
    }

    /// <summary>An ISO 8601 date (a whole UTC day) or date-time (the UTC day it falls on).</summary>
    private static DateOnly? Date(FieldProblems problems, string field, string? value, bool required)
    {
        if (problems.WrongType(field, NotADate)) return null;
        if (value is null)
        {
            if (required) problems.Add(field, "is required: an ISO 8601 date (2024-01-31) or date-time");
            return null;
        }
        var text = value.Trim();
        if (IsoDate().IsMatch(text))
        {
            if (text.Length == 10 && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                return date;
            if (text.Length > 10 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
                return DateOnly.FromDateTime(instant.UtcDateTime);
        }
        problems.Add(field, NotADate);
        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")]
    private static partial Regex IsoDate();
}

/// <summary>One metric of a <see cref="MetricsDataBody"/>: its lists of names are optional, its texts required.</summary>
public sealed record MetricBody(string? Id, string? ReferenceKey, string? Component, IReadOnlyList<string?>? Metrics,
    IReadOnlyList<string?>? Dimensions)
{
    /// <param name="ids">The ids of the metrics before this one, which its id may not repeat.</param>
    /// <returns>The metric; null when <paramref name="problems"/> names any.</returns>
    public MetricRequest? Check(FieldProblems problems, HashSet<string> ids)
    {
        var id = MetricsDataBody.RequiredText(problems, "id", Id);
        if (id is not null && !ids.Add(id)) problems.Add("id", $"'{id}' is used by an earlier metric; ids must be unique");
        var key = MetricsDataBody.RequiredText(problems, "reference_key", ReferenceKey);
        var component = MetricsDataBody.RequiredText(problems, "component", Component);
        var names = TextList(problems, "metrics", Metrics);
        var dimensions = TextList(problems, "dimensions", Dimensions);
        return problems.Any ? null : new MetricRequest(id!, key!, component!, names!, dimensions!);
    }

    private static List<string>? TextList(FieldProblems problems, string field, IReadOnlyList<string?>? values)
    {
        if (problems.IsWrongType(field) || values?.Any(v => v is null || v.Length > MetricsDataBody.MaxTextLength) == true)
        {
            problems.Add(field, "must be a list of strings");
            return null;
        }
        return values?.Select(v => v!).ToList() ?? [];
    }
}
