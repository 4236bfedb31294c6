namespace Pipeline.Functions.Reportei;

// The Reportei routes' answers, in snake_case. Times are text in the round-trip form of UTC ("O", 7 decimals, Z), as
// they always were; a job's stored attempts keep their own form.

/// <summary>A refusal or a note: <c>{"message":…}</c>.</summary>
public sealed record ReporteiMessage(string Message);

/// <summary>A 422: the message, and each field at fault with what is wrong with it.</summary>
public sealed record ReporteiInvalid(string Message, IReadOnlyDictionary<string, string> Errors);

/// <summary>A get-data-async job taken: its id, to follow at <c>GET /api/metrics/jobs/{job_id}</c>.</summary>
public sealed record MetricsJobAccepted(string Status, Guid JobId);

/// <summary>A job with every callback attempt; <c>next_attempt_at</c> only while it is retrying.</summary>
public sealed record MetricsJobAnswer(Guid JobId, string Status, string CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextAttemptAt,
    IReadOnlyList<MetricsJobAttemptAnswer> Attempts)
{
    public static MetricsJobAnswer Of(MetricsJob job) => new(job.Id, job.Status, Utc(job.CreatedAt),
        job.NextAttemptAt is { } next && job.Status == MetricsJobStatus.Retrying ? Utc(next) : null,
        job.Attempts.Select(a => new MetricsJobAttemptAnswer(a.Attempt, Utc(a.At), a.StatusCode, a.DurationMs, a.Error, a.ResponseExcerpt)).ToList());

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("O");
}

public sealed record MetricsJobAttemptAnswer(int Attempt, string At, int? StatusCode, long DurationMs, string? Error, string? ResponseExcerpt);

/// <summary>The newest jobs, for the operations page.</summary>
public sealed record MetricsJobsListing(IReadOnlyList<MetricsJobAnswer> Jobs);

/// <summary>A customer integration and its ids; an id not registered is null.</summary>
public sealed record MetricsIntegrationAnswer(Guid CustomerIntegration, string? SiteId, string? TrackingAppKey, string? AnalyticsCustomerId,
    string? IadvizeWebsiteId)
{
    public static MetricsIntegrationAnswer Of(MetricsIntegration integration) => new(integration.Id, integration.SiteId,
        integration.TrackingAppKey, integration.AnalyticsCustomerId, integration.IAdvizeWebsiteId);
}

/// <summary>
/// One metric of a get-data answer, under the caller's id: its figures for the period (and the comparison period when
/// one was asked for), or why it has none. A figure is a <see cref="MetricNumber"/>, a list of <see cref="MetricDay"/>
/// or counts by dimension value (keys in ordinal order).
/// </summary>
public sealed record MetricAnswer(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Values,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Comparison,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

/// <summary>One day of a timeseries: the date (<c>yyyy-MM-dd</c>) and that day's figure.</summary>
public sealed record MetricDay(string Date, object Value);

/// <summary>A number, or null when there is none (a running total never reported).</summary>
[JsonConverter(typeof(MetricNumberConverter))]
public readonly record struct MetricNumber(double? Value);

/// <summary>Whole numbers as integers; others rounded to 6 decimals, so float noise never shows; none as null.</summary>
public sealed class MetricNumberConverter : JsonConverter<MetricNumber>
{
    public override MetricNumber Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.TokenType == JsonTokenType.Null ? null : reader.GetDouble());

    public override void Write(Utf8JsonWriter writer, MetricNumber number, JsonSerializerOptions options)
    {
        if (number.Value is not { } v) writer.WriteNullValue();
        else if (Math.Abs(v) < 9e15 && v == Math.Floor(v)) writer.WriteNumberValue((long)v);
        else writer.WriteNumberValue(Math.Round(v, 6));
    }
}

/// <summary>The Reportei module's stored values, its answers and the bodies it reads.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(List<MetricsJobAttempt>))]
[JsonSerializable(typeof(ReporteiMessage))]
[JsonSerializable(typeof(ReporteiInvalid))]
[JsonSerializable(typeof(MetricsJobAccepted))]
[JsonSerializable(typeof(MetricsJobAnswer))]
[JsonSerializable(typeof(MetricsJobsListing))]
[JsonSerializable(typeof(MetricsIntegrationAnswer))]
[JsonSerializable(typeof(Dictionary<string, MetricAnswer>))]
[JsonSerializable(typeof(MetricNumber))]
[JsonSerializable(typeof(List<MetricDay>))]
[JsonSerializable(typeof(SortedDictionary<string, long>))]
[JsonSerializable(typeof(MetricsDataBody))]
[JsonSerializable(typeof(MetricBody))]
[JsonSerializable(typeof(MetricsIntegrationBody))]
internal sealed partial class ReporteiJson : JsonSerializerContext;
