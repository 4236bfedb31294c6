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

    public static ListedDelivery Row(DeliveryRow row) => new(row.EventId, row.Destination, row.EventType, row.Subject, Name(row.Status),
        row.Attempts, row.HttpStatus, row.Error, row.Replays, AdminHttp.Iso(row.EventTime), AdminHttp.Iso(row.UpdatedAt));

    public static EventDelivery Record(DeliveryRecord record, IReadOnlyList<DeliveryAttempt> attempts) => new(record.Destination,
        Name(record.Status), record.Attempts, record.HttpStatus, record.Error, record.Replays, AdminHttp.Iso(record.UpdatedAt),
        record.LeaseUntil is { } until ? AdminHttp.Iso(until) : null,
        attempts.Select(a => new EventDeliveryAttempt(a.Attempt, Name(a.Status), a.HttpStatus, a.Error, AdminHttp.Iso(a.StartedAt),
            a.FinishedAt is { } f ? AdminHttp.Iso(f) : null)).ToList());
}
