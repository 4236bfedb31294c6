using System.Collections;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pipeline.Functions.Telemetry;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// In-memory exporters for every signal, registered through the app's <see cref="TelemetryExporters"/> hook, so they
/// sit after the redaction processors exactly where Azure Monitor and OTLP sit. Spans and metric snapshots come from
/// the OpenTelemetry in-memory exporter; log records are rendered to text as they are exported (the SDK reuses them).
/// </summary>
public sealed class TelemetryCapture
{
    public LockedList<Activity> Spans { get; } = new();
    public LockedList<MetricSnapshot> Metrics { get; } = new();
    public LockedList<string> Logs { get; } = new();

    public void Register(IServiceCollection services) => services.AddSingleton(new TelemetryExporters
    {
        Tracing = t => t.AddInMemoryExporter(Spans),
        Metrics = m => m.AddInMemoryExporter(Metrics),
        Logging = l => l.AddProcessor(new SimpleLogRecordExportProcessor(new TextLogExporter(Logs))),
    });

    /// <summary>Every span, metric and log line exported so far, as text: what an exporter would have sent.</summary>
    public string AllText(IServiceProvider services)
    {
        services.GetRequiredService<MeterProvider>().ForceFlush();
        var text = new StringBuilder();
        foreach (var span in Spans.Snapshot())
        {
            text.Append(span.DisplayName).Append(' ').Append(span.OperationName).Append(' ').Append(span.StatusDescription).AppendLine();
            foreach (var (key, value) in span.TagObjects) text.Append(key).Append('=').Append(value).AppendLine();
            foreach (var e in span.Events)
            {
                text.Append(e.Name).AppendLine();
                foreach (var (key, value) in e.Tags) text.Append(key).Append('=').Append(value).AppendLine();
            }
            foreach (var (key, value) in span.Baggage) text.Append(key).Append('=').Append(value).AppendLine();
        }
        foreach (var metric in Metrics.Snapshot())
        {
            text.Append(metric.Name).Append(' ').Append(metric.Description).AppendLine();
            foreach (var point in metric.MetricPoints)
                foreach (var (key, value) in point.Tags) text.Append(key).Append('=').Append(value).AppendLine();
        }
        foreach (var line in Logs.Snapshot()) text.AppendLine(line);
        return text.ToString();
    }

    private sealed class TextLogExporter(LockedList<string> lines) : BaseExporter<LogRecord>
    {
        public override ExportResult Export(in Batch<LogRecord> batch)
        {
            foreach (var record in batch)
            {
                var text = new StringBuilder()
                    .Append(record.CategoryName).Append(' ').Append(record.LogLevel).Append(' ')
                    .Append(record.FormattedMessage).Append(" | ").Append(record.Body);
                foreach (var (key, value) in record.Attributes ?? []) text.Append(' ').Append(key).Append('=').Append(value);
                record.ForEachScope((scope, sb) =>
                {
                    foreach (var (key, value) in scope) sb.Append(" scope:").Append(key).Append('=').Append(value);
                }, text);
                if (record.Exception is { } exception) text.Append(" exception: ").Append(exception);
                lines.Add(text.ToString());
            }
            return ExportResult.Success;
        }
    }
}

/// <summary>A list exporters add to on their threads while a test reads it.</summary>
public sealed class LockedList<T> : ICollection<T>
{
    private readonly List<T> _items = [];

    public List<T> Snapshot()
    {
        lock (_items) return [.. _items];
    }

    public void Add(T item)
    {
        lock (_items) _items.Add(item);
    }

    public void Clear()
    {
        lock (_items) _items.Clear();
    }

    public bool Contains(T item)
    {
        lock (_items) return _items.Contains(item);
    }

    public void CopyTo(T[] array, int arrayIndex)
    {
        lock (_items) _items.CopyTo(array, arrayIndex);
    }

    public bool Remove(T item)
    {
        lock (_items) return _items.Remove(item);
    }

    public int Count
    {
        get
        {
            lock (_items) return _items.Count;
        }
    }

    public bool IsReadOnly => false;
    public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
