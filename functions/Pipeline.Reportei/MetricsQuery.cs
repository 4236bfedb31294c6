using System.Collections.Concurrent;

namespace Pipeline.Functions.Reportei;

/// <summary>
/// Answers a get-data request from the per-day rollups: each (scope, period) is read once, whatever number of
/// metrics ask for it; a period of N days reads at most N rows (plus, for running totals, the days before it that
/// carry a report). Produces exactly the seed's payload: <c>{"&lt;id&gt;": {"values": …, "comparison": …}}</c>.
/// </summary>
public sealed class MetricsQuery(MetricsRollups rollups)
{
    /// <summary>The answer as the callback of a get-data-async job posts it, written as get-data answers it.</summary>
    public static string Text(Dictionary<string, MetricAnswer> answer) =>
        RequestBodies.Json(answer, ReporteiJson.Default.DictionaryStringMetricAnswer);

    /// <returns>Each metric under the caller's id, in the order asked.</returns>
    public async Task<Dictionary<string, MetricAnswer>> AnswerAsync(MetricsIntegration integration, MetricsDataRequest request,
        CancellationToken cancellationToken)
    {
        var reads = new ConcurrentDictionary<(RollupScope, string, Period), Lazy<Task<List<TableEntity>>>>();
        Task<List<TableEntity>> Days(RollupScope scope, string id, Period period) =>
            reads.GetOrAdd((scope, id, period), _ => new(() => rollups.DaysAsync(scope, id, period.First, period.Last, cancellationToken))).Value;

        var answers = await Task.WhenAll(request.Metrics.Select(async metric =>
        {
            var problem = ProblemOf(metric, integration, out var definition, out var scopeId);
            if (problem is not null) return (metric.Id, Answer: new MetricAnswer(null, null, problem));
            var values = await ValueAsync(definition!, metric, scopeId!, request.Period, Days, cancellationToken);
            var comparison = request.Comparison is { } c ? await ValueAsync(definition!, metric, scopeId!, c, Days, cancellationToken) : null;
            return (metric.Id, Answer: new MetricAnswer(values, comparison, null));
        }));
        // Ids are unique (the request parser refuses a repeated one).
        return answers.ToDictionary(a => a.Id, a => a.Answer, StringComparer.Ordinal);
    }

    /// <returns>Why this metric cannot be answered (an unknown key, component or dimension, an unregistered scope), or null.</returns>
    private static string? ProblemOf(MetricRequest metric, MetricsIntegration integration, out MetricDefinition? definition, out string? scopeId)
    {
        scopeId = null;
        definition = Metrics.Find(metric.ReferenceKey);
        if (definition is null)
            return $"unknown reference_key '{metric.ReferenceKey}'; known keys: {string.Join(", ", Metrics.Catalogue.Select(m => m.Key))}";
        if (!Metrics.Components.Contains(metric.Component))
            return $"unsupported component '{metric.Component}'; use {string.Join(" or ", Metrics.Components)}";
        if (metric.Dimensions.Count > 1 || metric.Dimensions.Count == 1 && metric.Dimensions[0] != definition.Dimension)
            return definition.Dimension is null
                ? $"{definition.Key} has no dimensions"
                : $"{definition.Key} can only be broken down by [\"{definition.Dimension}\"]";
        var field = Metrics.FieldOf(definition.Scope);
        scopeId = integration.Get(field);
        return scopeId is null ? $"customer_integration {integration.Id} has no {field} registered" : null;
    }

    /// <returns>The figure: a <see cref="MetricNumber"/>, a list of <see cref="MetricDay"/> or counts by key.</returns>
    private async Task<object> ValueAsync(MetricDefinition definition, MetricRequest metric, string scopeId, Period period,
        Func<RollupScope, string, Period, Task<List<TableEntity>>> days, CancellationToken cancellationToken)
    {
        var rows = await days(definition.Scope, scopeId, period);
        var byDay = rows.ToDictionary(r => MetricsRollups.DayOf(r.RowKey));
        var series = metric.Component == Metrics.TimeseriesComponent;
        var breakdown = metric.Dimensions.Count == 1;

        if (definition.Kind == MetricKind.Latest)
        {
            // A running total: where it stood before the period, then each day's last report.
            (double Value, DateTimeOffset At)? carried = null;
            if (series || !rows.Any(r => RollupProperties.LatestOf(r, definition.Property) is not null))
            {
                var before = await rollups.LastBeforeAsync(definition.Scope, scopeId, period.First, definition.Property, cancellationToken);
                if (before is not null) carried = RollupProperties.LatestOf(before, definition.Property);
            }
            var perDay = new List<(DateOnly Day, double? Value)>();
            foreach (var day in period.EachDay())
            {
                if (byDay.TryGetValue(day, out var row) && RollupProperties.LatestOf(row, definition.Property) is { } reported) carried = reported;
                perDay.Add((day, carried?.Value));
            }
            return series ? Series(perDay, v => new MetricNumber(v)) : new MetricNumber(carried?.Value);
        }

        if (breakdown)
        {
            SortedDictionary<string, long> Counts(IEnumerable<TableEntity> dayRows)
            {
                var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
                foreach (var row in dayRows)
                foreach (var (key, n) in definition.Breakdown!(row))
                    counts[key] = counts.GetValueOrDefault(key) + n;
                if (counts.Count == 0)
                    foreach (var (key, _) in definition.Breakdown!(new TableEntity())) counts[key] = 0;
                return counts;
            }
            return series
                ? Series(period.EachDay().Select(d => (d, Counts(byDay.TryGetValue(d, out var r) ? [r] : []))).ToList(), c => c)
                : Counts(rows);
        }

        switch (definition.Kind)
        {
            case MetricKind.Count:
                return series
                    ? Series(period.EachDay().Select(d => (d, (double?)(byDay.TryGetValue(d, out var r) ? RollupProperties.Count(r, definition.Property) : 0))).ToList(),
                        v => new MetricNumber(v))
                    : new MetricNumber(rows.Sum(r => RollupProperties.Count(r, definition.Property)));
            case MetricKind.Sum:
                return series
                    ? Series(period.EachDay().Select(d => (d, (double?)(byDay.TryGetValue(d, out var r) ? RollupProperties.Sum(r, definition.Property) : 0))).ToList(),
                        v => new MetricNumber(v))
                    : new MetricNumber(rows.Sum(r => RollupProperties.Sum(r, definition.Property)));
            case MetricKind.Average:
                double? Mean(IEnumerable<TableEntity> dayRows)
                {
                    var list = dayRows.ToList();
                    var n = list.Sum(r => RollupProperties.Count(r, definition.CountProperty!));
                    return n == 0 ? null : list.Sum(r => RollupProperties.Sum(r, definition.Property)) / n;
                }
                return series
                    ? Series(period.EachDay().Select(d => (d, Mean(byDay.TryGetValue(d, out var r) ? [r] : []))).ToList(), v => new MetricNumber(v))
                    : new MetricNumber(Mean(rows));
            case MetricKind.Distinct:
                return series
                    ? Series(period.EachDay().Select(d => (d, (double?)(byDay.TryGetValue(d, out var r) ? RollupProperties.VisitorsOf(r).Count : 0))).ToList(),
                        v => new MetricNumber(v))
                    : new MetricNumber(rows.SelectMany(RollupProperties.VisitorsOf).Distinct().Count());
            default:
                throw new InvalidOperationException($"unknown metric kind {definition.Kind}");
        }
    }

    private static List<MetricDay> Series<T>(List<(DateOnly Day, T Value)> days, Func<T, object> figure) =>
        days.Select(d => new MetricDay(d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), figure(d.Value))).ToList();
}
