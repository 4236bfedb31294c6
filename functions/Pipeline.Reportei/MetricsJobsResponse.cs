using System.Text.Json;

namespace Pipeline.Functions.Reportei;

/// <summary>How a job is shown by <c>GET /api/metrics/jobs/{job_id}</c> and the admin listing.</summary>
public static class MetricsJobsResponse
{
    public static void Write(Utf8JsonWriter w, MetricsJob job, bool withCreatedAt)
    {
        w.WriteStartObject();
        w.WriteString("job_id", job.Id.ToString("D"));
        w.WriteString("status", job.Status);
        if (withCreatedAt) w.WriteString("created_at", job.CreatedAt.UtcDateTime.ToString("O"));
        if (job.NextAttemptAt is { } next && job.Status == MetricsJobStatus.Retrying)
            w.WriteString("next_attempt_at", next.UtcDateTime.ToString("O"));
        w.WriteStartArray("attempts");
        foreach (var attempt in job.Attempts)
        {
            w.WriteStartObject();
            w.WriteNumber("attempt", attempt.Attempt);
            w.WriteString("at", attempt.At.UtcDateTime.ToString("O"));
            if (attempt.StatusCode is { } code) w.WriteNumber("status_code", code);
            else w.WriteNull("status_code");
            w.WriteNumber("duration_ms", attempt.DurationMs);
            w.WriteString("error", attempt.Error);
            w.WriteString("response_excerpt", attempt.ResponseExcerpt);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
