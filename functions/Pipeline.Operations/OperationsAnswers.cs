using System.Text.Json.Nodes;

namespace Pipeline.Functions.Operations;

// The admin API's answers, in snake_case. Times are text in AdminHttp.Iso's form (milliseconds, Z), as they always were.

/// <summary>One delivery as <c>GET /api/ops/deliveries</c> lists it, from the delivery index.</summary>
public sealed record ListedDelivery(Guid EventId, string Destination, string? EventType, string? Subject, string Status, int Attempts,
    int? HttpStatus, string? Error, int Replays, string EventTime, string UpdatedAt);

/// <summary>A page of one destination's deliveries; <c>continuation</c> is null on the last page.</summary>
public sealed record DeliveryListing(string Destination, string Since, string Until, IReadOnlyList<ListedDelivery> Deliveries,
    string? Continuation);

/// <summary>One destination's delivery of an event, with every attempt.</summary>
public sealed record EventDelivery(string Destination, string Status, int Attempts, int? HttpStatus, string? Error, int Replays,
    string UpdatedAt, string? LeaseUntil, IReadOnlyList<EventDeliveryAttempt> History);

public sealed record EventDeliveryAttempt(int Attempt, string Status, int? HttpStatus, string? Error, string StartedAt, string? FinishedAt);

/// <summary>A stored event (null when the event log no longer has it) and its deliveries.</summary>
public sealed record EventDetail(Guid EventId, JsonElement? Envelope, bool InEventLog, IReadOnlyList<EventDelivery> Deliveries);

/// <summary>How many deliveries stand at each status.</summary>
public sealed record StatusCounts(int Delivered, int Failed, int Skipped, int Retrying, int InFlight, int Replaying)
{
    public static StatusCounts Of(IReadOnlyDictionary<string, int> counts) => new(counts["delivered"], counts["failed"],
        counts["skipped"], counts["retrying"], counts["in_flight"], counts["replaying"]);
}

/// <summary>The counts of the events of one hour, the hour last.</summary>
public sealed record HourCounts(int Delivered, int Failed, int Skipped, int Retrying, int InFlight, int Replaying, string Hour)
{
    public static HourCounts Of(IReadOnlyDictionary<string, int> counts, string hour) => new(counts["delivered"], counts["failed"],
        counts["skipped"], counts["retrying"], counts["in_flight"], counts["replaying"], hour);
}

public sealed record DestinationSummary(string Destination, StatusCounts Totals, bool Truncated, IReadOnlyList<HourCounts> Hours);

/// <summary>
/// <c>GET /api/ops/summary</c>; <c>backlog</c> is each entity's backlog as health gives it, errors included.
/// </summary>
public sealed record DeliverySummary(string Since, string Until, IReadOnlyList<DestinationSummary> Destinations,
    string? BacklogSampledAt, IReadOnlyList<Health.BacklogEntry> Backlog);

/// <summary>A replay's request as it is shown and stored.</summary>
public sealed record ReplayAsked(string Destination, string Status, string Since, string Until, string? Subject,
    IReadOnlyList<Guid>? EventIds, bool DryRun, bool Force);

/// <summary>A delivery a replay did not (or would not) send again, and why.</summary>
public sealed record ReplayRefusal(Guid EventId, string? Reason);

/// <summary>What a replay would do; a dry run's answer also says it was one and what was asked.</summary>
public sealed record ReplayPreview(int Count, bool CountIsCapped, int WouldQueue, int WouldRefuse, IReadOnlyList<Guid> EventIds,
    IReadOnlyList<ReplayRefusal> Refusals,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? DryRun = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ReplayAsked? Request = null);

/// <summary>A replay's progress; the answer that starts one also gives the count matched and where to follow it.</summary>
public sealed record ReplayProgress(Guid ReplayId, string Status, ReplayAsked Request, int Matched, int Queued, int Refused, int Pages,
    IReadOnlyList<ReplayRefusal> Refusals, string StartedAt, string UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Count = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Progress = null);

/// <summary>
/// One entity's dead letters. Each message is described with what its dead letter carries, which differs between the
/// local host's wrapper and a Service Bus message (fields present or not, values copied as found), so it stays a JSON object.
/// <c>error</c> is there only when the entity could not be read, <c>count_note</c> only when the count is of the listed ones.
/// </summary>
public sealed record DeadLetterListing(string Queue, string? DeadLetterQueue, long? Count, IReadOnlyList<JsonObject> Messages,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CountNote = null);

/// <summary><c>GET /api/ops/dead-letters</c>; <c>message</c> says why when this app cannot read them.</summary>
public sealed record DeadLetterQueues(bool Supported,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message, IReadOnlyList<DeadLetterListing> Queues);

/// <summary>What a requeue sent back, what it did not find, and what failed.</summary>
public sealed record DeadLetterRequeue(string Queue, int Requeued, IReadOnlyList<string> MessageIds, IReadOnlyList<string> NotFound,
    IReadOnlyList<RequeueFailure> Failed);

public sealed record RequeueFailure(string MessageId, string Error);

/// <summary>The admin API's answers, and the bodies it reads (<see cref="ReplayBody"/>, <see cref="RequeueBody"/>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DeliveryListing))]
[JsonSerializable(typeof(EventDetail))]
[JsonSerializable(typeof(DeliverySummary))]
[JsonSerializable(typeof(ReplayAsked))]
[JsonSerializable(typeof(IReadOnlyList<ReplayRefusal>))]
[JsonSerializable(typeof(ReplayPreview))]
[JsonSerializable(typeof(ReplayProgress))]
[JsonSerializable(typeof(DeadLetterQueues))]
[JsonSerializable(typeof(DeadLetterRequeue))]
[JsonSerializable(typeof(ReplayBody))]
[JsonSerializable(typeof(RequeueBody))]
internal sealed partial class OperationsJson : JsonSerializerContext;
