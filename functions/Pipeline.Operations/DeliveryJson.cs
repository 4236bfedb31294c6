using System.Text.Json.Nodes;
using Pipeline.Functions.Delivery;

using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Operations;

/// <summary>How deliveries read in the admin API: snake_case fields, statuses as lower-case words.</summary>
public static class DeliveryJson
{
    public static readonly IReadOnlyDictionary<string, DeliveryStatus> Statuses = new Dictionary<string, DeliveryStatus>
    {
        ["delivered"] = DeliveryStatus.Delivered,
        ["failed"] = DeliveryStatus.Failed,
        ["skipped"] = DeliveryStatus.Skipped,
        ["retrying"] = DeliveryStatus.Retrying,
        ["in_flight"] = DeliveryStatus.InFlight,
        ["replaying"] = DeliveryStatus.Replaying,
    };

    public static string Name(DeliveryStatus status) => Statuses.First(kv => kv.Value == status).Key;

    public static JsonObject Row(DeliveryRow row) => new()
    {
        ["event_id"] = row.EventId.ToString(),
        ["destination"] = row.Destination,
        ["event_type"] = row.EventType,
        ["subject"] = row.Subject,
        ["status"] = Name(row.Status),
        ["attempts"] = row.Attempts,
        ["http_status"] = row.HttpStatus,
        ["error"] = row.Error,
        ["replays"] = row.Replays,
        ["event_time"] = AdminHttp.Iso(row.EventTime),
        ["updated_at"] = AdminHttp.Iso(row.UpdatedAt),
    };

    public static JsonObject Record(DeliveryRecord record, IReadOnlyList<DeliveryAttempt> attempts) => new()
    {
        ["destination"] = record.Destination,
        ["status"] = Name(record.Status),
        ["attempts"] = record.Attempts,
        ["http_status"] = record.HttpStatus,
        ["error"] = record.Error,
        ["replays"] = record.Replays,
        ["updated_at"] = AdminHttp.Iso(record.UpdatedAt),
        ["lease_until"] = record.LeaseUntil is { } until ? AdminHttp.Iso(until) : null,
        ["history"] = new JsonArray(attempts.Select(a => (JsonNode)new JsonObject
        {
            ["attempt"] = a.Attempt,
            ["status"] = Name(a.Status),
            ["http_status"] = a.HttpStatus,
            ["error"] = a.Error,
            ["started_at"] = AdminHttp.Iso(a.StartedAt),
            ["finished_at"] = a.FinishedAt is { } f ? AdminHttp.Iso(f) : null,
        }).ToArray()),
    };
}
