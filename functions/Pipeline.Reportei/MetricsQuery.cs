using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Reportei;

/// <summary>
/// Answers a get-data request from the per-day rollups: each (scope, period) is read once, whatever number of
/// metrics ask for it; a period of N days reads at most N rows (plus, for running totals, the days before it that
/// carry a report). Produces exactly the seed's payload: <c>{"&lt;id&gt;": {"values": …, "comparison": …}}</c>.
/// </summary>
public sealed class MetricsQuery(MetricsRollups rollups)
{
    public async Task<string> AnswerAsync(MetricsIntegration integration, MetricsDataRequest request, CancellationToken cancellationToken)
    {
        var reads = new ConcurrentDictionary<(RollupScope, string, Period), Lazy<Task<List<TableEntity>>>>();
        Task<List<TableEntity>> Days(RollupScope scope, string id, Period period) =>
            reads.GetOrAdd((scope, id, period), _ => new(() => rollups.DaysAsync(scope, id, period.First, period.Last, cancellationToken))).Value;

        var answers = await Task.WhenAll(request.Metrics.Select(async metric =>
        {
            var problem = ProblemOf(metric, integration, out var definition, out var scopeId);
            if (problem is not null) return (metric.Id, Write: (Action<Utf8JsonWriter>)(w => w.WriteString("error", problem)));
            var values = await ValueAsync(definition!, metric, scopeId!, request.Period, Days, cancellationToken);
            var comparison = request.Comparison is { } c ? await ValueAsync(definition!, metric, scopeId!, c, Days, cancellationToken) : null;
            return (metric.Id, Write: w =>
            {
                w.WritePropertyName("values");
                values(w);
                if (comparison is null) return;
                w.WritePropertyName("comparison");
                comparison(w);
            });
        }));

        return RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            foreach (var (id, write) in answers)
            {
                w.WriteStartObject(id);
                write(w);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        });
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

    private async Task<Action<Utf8JsonWriter>> ValueAsync(MetricDefinition definition, MetricRequest metric, string scopeId, Period period,
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
            return series ? Series(perDay, (w, v) => Number(w, v)) : w => Number(w, carried?.Value);
        }

        if (breakdown)
        {
            Dictionary<string, long> Counts(IEnumerable<TableEntity> dayRows)
            {
                var counts = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var row in dayRows)
                foreach (var (key, n) in definition.Breakdown!(row))
                    counts[key] = counts.GetValueOrDefault(key) + n;
                if (counts.Count == 0)
                    foreach (var (key, _) in definition.Breakdown!(new TableEntity())) counts[key] = 0;
                return counts;
            }
            return series
                ? Series(period.EachDay().Select(d => (d, Counts(byDay.TryGetValue(d, out var r) ? [r] : []))).ToList(), Object)
                : w => Object(w, Counts(rows));
        }

        switch (definition.Kind)
        {
            case MetricKind.Count:
                return series
                    ? Series(period.EachDay().Select(d => (d, (double?)(byDay.TryGetValue(d, out var r) ? RollupProperties.Count(r, definition.Property) : 0))).ToList(),
                        (w, v) => Number(w, v))
                    : w => w.WriteNumberValue(rows.Sum(r => RollupProperties.Count(r, definition.Property)));
            case MetricKind.Sum:
                return series
                    ? Series(period.EachDay().Select(d => (d, (double?)(byDay.TryGetValue(d, out var r) ? RollupProperties.Sum(r, definition.Property) : 0))).ToList(),
                        (w, v) => Number(w, v))
                    : w => Number(w, rows.Sum(r => RollupProperties.Sum(r, definition.Property)));
            case MetricKind.Average:
                double? Mean(IEnumerable<TableEntity> dayRows)
                {
                    var list = dayRows.ToList();
                    var n = list.Sum(r => RollupProperties.Count(r, definition.CountProperty!));
                    return n == 0 ? null : list.Sum(r => RollupProperties.Sum(r, definition.Property)) / n;
                }
                return series
                    ? Series(period.EachDay().Select(d => (d, Mean(byDay.TryGetValue(d, out var r) ? [r] : []))).ToList(), (w, v) => Number(w, v))
                    : w => Number(w, Mean(rows));
            case MetricKind.Distinct:
                return series
                    ? Series(period.EachDay().Select(d => (d, (double?)(byDay.TryGetValue(d, out var r) ? RollupProperties.VisitorsOf(r).Count : 0))).ToList(),
                        (w, v) => Number(w, v))
                    : w =>
                    {
                        var union = new HashSet<ulong>();
                        foreach (var row in rows) union.UnionWith(RollupProperties.VisitorsOf(row));
                        w.WriteNumberValue(union.Count);
                    };
            default:
                throw new InvalidOperationException($"unknown metric kind {definition.Kind}");
        }
    }

    private static Action<Utf8JsonWriter> Series<T>(List<(DateOnly Day, T Value)> days, Action<Utf8JsonWriter, T> writeValue) => w =>
    {
        w.WriteStartArray();
        foreach (var (day, value) in days)
        {
            w.WriteStartObject();
            w.WriteString("date", day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WritePropertyName("value");
            writeValue(w, value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    };

    /// <summary>Whole numbers as integers; sums rounded to 6 decimals, so float noise never shows; null as null.</summary>
    private static void Number(Utf8JsonWriter w, double? value)
    {
        if (value is not { } v) w.WriteNullValue();
        else if (Math.Abs(v) < 9e15 && v == Math.Floor(v)) w.WriteNumberValue((long)v);
        else w.WriteNumberValue(Math.Round(v, 6));
    }

    private static void Object(Utf8JsonWriter w, Dictionary<string, long> counts)
    {
        w.WriteStartObject();
        foreach (var (key, n) in counts.OrderBy(c => c.Key, StringComparer.Ordinal)) w.WriteNumber(key, n);
        w.WriteEndObject();
    }
}
