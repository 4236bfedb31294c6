using Azure;

namespace Pipeline.Functions.Reportei;

public static class MetricsJobStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Retrying = "retrying";
    public const string Failed = "failed";
    public const string Gone = "gone";

    public static bool IsFinal(string status) => status is Delivered or Failed or Gone;
}

/// <summary>One callback attempt as the job's record keeps it.</summary>
public sealed record MetricsJobAttempt(
    [property: JsonPropertyName("attempt")] int Attempt,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("status_code")] int? StatusCode,
    [property: JsonPropertyName("duration_ms")] long DurationMs,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("response_excerpt")] string? ResponseExcerpt);

public sealed record MetricsJob(Guid Id, string Status, DateTimeOffset CreatedAt, string WebhookUrl, string RequestBody,
    IReadOnlyList<MetricsJobAttempt> Attempts, DateTimeOffset? NextAttemptAt, ETag ETag);

/// <summary>
/// The metrics jobs: PartitionKey = <c>jobs</c>, RowKey = <c>{inverted creation ms}|{job id}</c>, so the newest come
/// first (the operations page lists them) and a job id (a v7 uuid, which carries its creation time) still finds its
/// row with a point read. A job's attempts live on its row, with the time of the next one while it is retrying (the
/// retry itself is a scheduled message on the <c>metrics-jobs</c> queue).
/// </summary>
public sealed class MetricsJobs(StorageAccount storage, TimeProvider clock)
{
    /// <summary>The queue get-data-async puts its jobs on.</summary>
    public const string QueueName = "metrics-jobs";

    private const string Partition = "jobs";
    private const int MaxAttempts = 10;

    /// <summary>This module's table, registered in its <c>Add…()</c>.</summary>
    public const string TableName = "MetricsJobs";

    private TableClient Table => storage.Table(TableName);

    public static string RowKeyOf(Guid jobId)
    {
        var hex = jobId.ToString("N");
        var ms = long.Parse(hex.AsSpan(0, 12), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (999_999_999_999_999 - ms).ToString("D15", CultureInfo.InvariantCulture) + "|" + jobId.ToString("D");
    }

    public async Task<MetricsJob> CreateAsync(string webhookUrl, string requestBody, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await Table.AddEntityAsync(new TableEntity(Partition, RowKeyOf(id))
        {
            ["JobId"] = id.ToString("D"),
            ["Status"] = MetricsJobStatus.Pending,
            ["CreatedAt"] = now,
            ["WebhookUrl"] = webhookUrl,
            ["Request"] = System.Text.Encoding.UTF8.GetBytes(requestBody),
            ["Attempts"] = "[]",
        }, cancellationToken);
        return new MetricsJob(id, MetricsJobStatus.Pending, now, webhookUrl, requestBody, [], null, default);
    }

    public async Task<MetricsJob?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        if (id.Version != 7) return null;
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, RowKeyOf(id), cancellationToken: cancellationToken);
        return found.HasValue ? ToJob(found.Value!) : null;
    }

    /// <summary>The newest jobs first.</summary>
    public async Task<List<MetricsJob>> NewestAsync(int limit, CancellationToken cancellationToken)
    {
        var jobs = new List<MetricsJob>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: limit, cancellationToken: cancellationToken))
        {
            jobs.Add(ToJob(row));
            if (jobs.Count >= limit) break;
        }
        return jobs;
    }

    /// <summary>Records an attempt (if any) and the job's new status, re-reading and re-applying when another writer got there first.</summary>
    public async Task<MetricsJob?> UpdateAsync(Guid id, Func<MetricsJob, (MetricsJobAttempt? Attempt, string Status, DateTimeOffset? NextAttemptAt)> change,
        CancellationToken cancellationToken)
    {
        for (var tries = 1; ; tries++)
        {
            var job = await FindAsync(id, cancellationToken);
            if (job is null) return null;
            var (attempt, status, next) = change(job);
            var attempts = attempt is null ? job.Attempts : job.Attempts.Append(attempt).ToList();
            var entity = new TableEntity(Partition, RowKeyOf(id))
            {
                ["Status"] = status,
                ["Attempts"] = JsonSerializer.Serialize(attempts.ToList(), ReporteiJson.Default.ListMetricsJobAttempt),
                ["NextAttemptAt"] = next,
                ["UpdatedAt"] = clock.GetUtcNow(),
            };
            try
            {
                await Table.UpdateEntityAsync(entity, job.ETag, TableUpdateMode.Merge, cancellationToken);
                return job with { Status = status, Attempts = attempts, NextAttemptAt = next };
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && tries < MaxAttempts)
            {
                // Changed since we read it: apply the change to the current row.
            }
        }
    }

    private static MetricsJob ToJob(TableEntity e) => new(
        Guid.Parse(e.GetString("JobId")),
        e.GetString("Status"),
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetString("WebhookUrl"),
        e.GetBinary("Request") is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : "{}",
        JsonSerializer.Deserialize(e.GetString("Attempts") ?? "[]", ReporteiJson.Default.ListMetricsJobAttempt) ?? [],
        e.GetDateTimeOffset("NextAttemptAt"),
        e.ETag);
}
