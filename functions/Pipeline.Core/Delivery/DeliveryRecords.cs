using Azure;

namespace Pipeline.Functions.Delivery;

public enum DeliveryStatus
{
    /// <summary>An invocation holds the delivery and is calling the destination now.</summary>
    InFlight,
    /// <summary>A transient failure happened; the message is being redelivered.</summary>
    Retrying,
    Delivered,
    /// <summary>The destination refused the event for good (a 4xx other than 408/429).</summary>
    Failed,
    /// <summary>Nothing to deliver (the destination is not configured, or has no use for the event).</summary>
    Skipped,
    /// <summary>Reopened by an operator's replay: the event is on the destination's queue again.</summary>
    Replaying,
}

public sealed record DeliveryRecord(
    Guid EventId,
    string Destination,
    DeliveryStatus Status,
    int Attempts,
    int? HttpStatus,
    string? Error,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LeaseUntil = null,
    string? EventType = null,
    string? Subject = null,
    int Replays = 0,
    Guid? ReplayId = null)
{
    /// <summary>Done deliveries are never repeated, whatever redelivers the message.</summary>
    public bool IsFinal => Status is DeliveryStatus.Delivered or DeliveryStatus.Failed or DeliveryStatus.Skipped;
}

/// <summary>A claimed delivery: attempt N, held until <see cref="Until"/>, and the ETag every later write is conditional on.</summary>
public sealed record DeliveryLease(Guid EventId, string EventType, string Subject, string Destination, int Attempt,
    DateTimeOffset Until, ETag ETag, int Replays = 0, IReadOnlyList<DeliveryAttempt>? History = null);

/// <summary>What a replay made of one delivery record: reopened (the event may be sent again), or refused and why.</summary>
public abstract record DeliveryReopening
{
    public sealed record Reopened(DeliveryRecord? Previous) : DeliveryReopening;
    public sealed record Refused(DeliveryRecord? Record, string Reason) : DeliveryReopening;
}

/// <summary>One try of one delivery, kept across replays: the record says where a delivery stands, these how it got there.</summary>
public sealed record DeliveryAttempt(int Attempt, DeliveryStatus Status, int? HttpStatus, string? Error,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);

/// <summary>The outcome of trying to take a delivery: do it, it is done already, or someone else is on it.</summary>
public abstract record DeliveryClaim
{
    public sealed record Claimed(DeliveryLease Lease) : DeliveryClaim;
    public sealed record AlreadyDone(DeliveryRecord Record) : DeliveryClaim;
    public sealed record HeldElsewhere(DateTimeOffset? Until) : DeliveryClaim;
}

/// <summary>
/// One record per (event, destination): PartitionKey = event id, RowKey = destination. Before calling a destination
/// an invocation claims the record with an ETag-checked write; every later write is conditional on the ETag that
/// claim returned. So two copies of one message make one call between them, and an invocation that lost its lease
/// (another took the delivery over) can never overwrite the record of the one that took over.
/// Each record carries its attempts (the <c>History</c> property, the last <see cref="KeptAttempts"/>, kept across
/// replays), so that they cost no write of their own. Beside each record: a row in the <c>DeliveryIndex</c> table (PartitionKey = <c>destination|yyyyMMddHH</c> of the event's time, RowKey = event
/// id) that the admin API lists deliveries from, written only after the record's own write succeeded, so a write
/// that lost its lease never changes it.
/// </summary>
public sealed class DeliveryRecords(StorageAccount storage, TimeProvider clock)
{
    private TableClient Table => storage.Table(TableNames.Deliveries);
    private TableClient Index => storage.Table(TableNames.DeliveryIndex);

    /// <param name="lease">How long the claim holds before another invocation may take over (a crashed or stuck one).</param>
    /// <param name="reopenFailed">An operator requeued the dead-lettered message: a delivery that failed may be tried
    /// again (one that was delivered or skipped never is).</param>
    public async Task<DeliveryClaim> ClaimAsync(EventEnvelope envelope, string destination, TimeSpan lease,
        CancellationToken cancellationToken, bool reopenFailed = false)
    {
        var now = clock.GetUtcNow();
        // Most claims are a first attempt: create the record at once (one round trip), read it only if it exists.
        var firstHistory = new List<DeliveryAttempt> { new(1, DeliveryStatus.InFlight, null, null, now, null) };
        var first = NewEntity(envelope.Id, envelope.Type, envelope.Subject, destination, DeliveryStatus.InFlight, 1, null, null, now, 0, null);
        first["LeaseUntil"] = now + lease;
        first["History"] = WriteHistory(firstHistory);
        try
        {
            var created = await Table.AddEntityAsync(first, cancellationToken);
            return await ClaimedAsync(envelope, destination, 1, now + lease, created, first, 0, firstHistory, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // A redelivery, a replay, or a copy of the message running now: decide on the record as it stands.
        }

        var entity = await GetAsync(envelope.Id, destination, cancellationToken);
        if (entity is null) return new DeliveryClaim.HeldElsewhere(null); // removed meanwhile: let the redelivery decide
        var previous = ToRecord(envelope.Id, destination, entity);
        if (previous.IsFinal && !(reopenFailed && previous.Status == DeliveryStatus.Failed))
        {
            // A redelivery after a finish whose index write failed: the record is the truth, the index follows it.
            await WriteIndexAsync(entity, cancellationToken);
            return new DeliveryClaim.AlreadyDone(previous);
        }
        if (previous is { Status: DeliveryStatus.InFlight, LeaseUntil: { } until } && until > now)
            return new DeliveryClaim.HeldElsewhere(until);

        var attempt = previous.Attempts + 1;
        var claim = NewEntity(envelope.Id, envelope.Type, envelope.Subject, destination, DeliveryStatus.InFlight, attempt,
            previous.HttpStatus, previous.Error, now, previous.Replays, previous.ReplayId);
        claim["LeaseUntil"] = now + lease;
        var history = ReadHistory(entity).Append(new DeliveryAttempt(attempt, DeliveryStatus.InFlight, null, null, now, null))
            .TakeLast(KeptAttempts).ToList();
        claim["History"] = WriteHistory(history);
        Response response;
        try
        {
            response = await Table.UpdateEntityAsync(claim, entity.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return new DeliveryClaim.HeldElsewhere(null); // another invocation claimed it between our read and write
        }
        return await ClaimedAsync(envelope, destination, attempt, now + lease, response, claim, previous.Replays, history,
            cancellationToken);
    }

    private async Task<DeliveryClaim.Claimed> ClaimedAsync(EventEnvelope envelope, string destination, int attempt,
        DateTimeOffset until, Response response, TableEntity written, int replays, IReadOnlyList<DeliveryAttempt> history,
        CancellationToken cancellationToken)
    {
        var etag = response.Headers.ETag ?? throw new InvalidOperationException("Table Storage returned no ETag");
        await WriteIndexAsync(written, cancellationToken);
        return new DeliveryClaim.Claimed(new DeliveryLease(envelope.Id, envelope.Type, envelope.Subject, destination, attempt,
            until, etag, replays, history));
    }

    /// <summary>Writes the outcome of a claimed delivery, only if the claim still holds.</summary>
    /// <returns>false when another invocation took the delivery over: its record stands, ours is dropped.</returns>
    public async Task<bool> FinishAsync(DeliveryLease lease, DeliveryStatus status, int? httpStatus, string? error,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var entity = NewEntity(lease.EventId, lease.EventType, lease.Subject, lease.Destination, status, lease.Attempt, httpStatus,
            error, now, lease.Replays, null);
        entity["History"] = WriteHistory((lease.History ?? [])
            .Select(a => a.Attempt == lease.Attempt ? a with { Status = status, HttpStatus = httpStatus, Error = error, FinishedAt = now } : a)
            .ToList());
        try
        {
            await Table.UpdateEntityAsync(entity, lease.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
        await WriteIndexAsync(entity, cancellationToken);
        return true;
    }

    /// <summary>
    /// Reopens a delivery for a replay: a done (or stuck) record becomes <see cref="DeliveryStatus.Replaying"/>,
    /// attempts and their history kept, so that the engine delivers the event again when the replayed message
    /// arrives. Delivered events, and deliveries under way, are refused unless <paramref name="force"/>. Reopening
    /// again for the same replay changes nothing (a replay page that runs twice).
    /// </summary>
    public async Task<DeliveryReopening> ReopenAsync(EventEnvelope envelope, string destination, Guid replayId, bool force,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var entity = await GetAsync(envelope.Id, destination, cancellationToken);
        var previous = entity is null ? null : ToRecord(envelope.Id, destination, entity);
        if (previous is { Status: DeliveryStatus.Replaying } && previous.ReplayId == replayId)
            return new DeliveryReopening.Reopened(previous);
        if (ReopenRefusal(previous, force, now) is { } refusal) return new DeliveryReopening.Refused(previous, refusal);

        var reopened = NewEntity(envelope.Id, envelope.Type, envelope.Subject, destination, DeliveryStatus.Replaying,
            previous?.Attempts ?? 0, previous?.HttpStatus, previous?.Error, now, (previous?.Replays ?? 0) + 1, replayId);
        if (entity?.GetString("History") is { } kept) reopened["History"] = kept;
        try
        {
            if (entity is null) await Table.AddEntityAsync(reopened, cancellationToken);
            else await Table.UpdateEntityAsync(reopened, entity.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            var current = await FindAsync(envelope.Id, destination, cancellationToken);
            return new DeliveryReopening.Refused(current ?? previous, "the delivery changed while it was being reopened; try again");
        }
        await WriteIndexAsync(reopened, cancellationToken);
        return new DeliveryReopening.Reopened(previous);
    }

    /// <summary>Why a replay may not reopen this delivery now, or null when it may (the rule dry runs report too).</summary>
    public static string? ReopenRefusal(DeliveryRecord? record, bool force, DateTimeOffset now) => force ? null : record switch
    {
        { Status: DeliveryStatus.Delivered, Replays: > 0 } => "already delivered by a replay; send force to deliver it again",
        { Status: DeliveryStatus.Delivered } => "already delivered; send force to deliver it again",
        { Status: DeliveryStatus.InFlight, LeaseUntil: { } until } when until > now => "being delivered right now",
        { Status: DeliveryStatus.Replaying } => $"already queued again by replay {record.ReplayId}; send force to queue it once more",
        _ => null,
    };

    public async Task<DeliveryRecord?> FindAsync(Guid eventId, string destination, CancellationToken cancellationToken) =>
        await GetAsync(eventId, destination, cancellationToken) is { } entity ? ToRecord(eventId, destination, entity) : null;

    /// <summary>Every destination's record of one event, each with its attempts in order.</summary>
    public async Task<IReadOnlyList<(DeliveryRecord Record, IReadOnlyList<DeliveryAttempt> Attempts)>> OfEventAsync(Guid eventId,
        CancellationToken cancellationToken)
    {
        var records = new List<(DeliveryRecord, IReadOnlyList<DeliveryAttempt>)>();
        var partition = eventId.ToString();
        await foreach (var entity in Table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
            records.Add((ToRecord(eventId, entity.RowKey, entity), ReadHistory(entity)));
        return records;
    }

    /// <summary>Attempts kept on a record; older ones are dropped (the count in <c>Attempts</c> stays whole).</summary>
    public const int KeptAttempts = 20;

    private static IReadOnlyList<DeliveryAttempt> ReadHistory(TableEntity? entity)
    {
        if (entity?.GetString("History") is not { Length: > 0 } text) return [];
        return (System.Text.Json.Nodes.JsonNode.Parse(text) as System.Text.Json.Nodes.JsonArray ?? [])
            .OfType<System.Text.Json.Nodes.JsonObject>()
            .Select(a => new DeliveryAttempt(
                (int?)a["attempt"] ?? 0,
                Enum.TryParse<DeliveryStatus>((string?)a["status"], out var status) ? status : DeliveryStatus.InFlight,
                (int?)a["http_status"],
                (string?)a["error"],
                DateTimeOffset.TryParse((string?)a["started_at"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var started) ? started : default,
                DateTimeOffset.TryParse((string?)a["finished_at"], System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var finished) ? finished : null))
            .ToList();
    }

    private static string WriteHistory(IEnumerable<DeliveryAttempt> attempts) =>
        new System.Text.Json.Nodes.JsonArray(attempts.Select(a => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
        {
            ["attempt"] = a.Attempt,
            ["status"] = a.Status.ToString(),
            ["http_status"] = a.HttpStatus,
            ["error"] = a.Error is { Length: > 1000 } e ? e[..1000] : a.Error,
            ["started_at"] = a.StartedAt.ToString("O"),
            ["finished_at"] = a.FinishedAt?.ToString("O"),
        }).ToArray()).ToJsonString();

    /// <summary>The index partition a delivery of this event is listed under: its destination and the event's hour.</summary>
    public static string IndexPartition(string destination, DateTimeOffset hour) =>
        $"{TableKeys.Escape(destination)}|{hour.UtcDateTime:yyyyMMddHH}";

    /// <summary>When the event was created, read from its version 7 id (the Unix epoch for any other id).</summary>
    public static DateTimeOffset EventTime(Guid eventId) =>
        eventId.Version == 7
            ? DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(eventId.ToString("N")[..12], 16))
            : DateTimeOffset.UnixEpoch;

    private Task WriteIndexAsync(TableEntity record, CancellationToken cancellationToken)
    {
        var eventId = Guid.Parse(record.PartitionKey);
        var row = new TableEntity(IndexPartition(record.RowKey, EventTime(eventId)), record.PartitionKey)
        {
            ["Destination"] = record.RowKey,
            ["EventTime"] = EventTime(eventId),
        };
        foreach (var name in new[] { "EventType", "Subject", "Status", "Attempts", "HttpStatus", "Error", "UpdatedAt", "Replays" })
        {
            if (record.TryGetValue(name, out var value) && value is not null) row[name] = value;
        }
        return Index.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    private async Task<TableEntity?> GetAsync(Guid eventId, string destination, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(eventId.ToString(), destination,
            cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    private static string? Truncate(string? error) => error is { Length: > 4000 } ? error[..4000] : error;

    private static TableEntity NewEntity(Guid eventId, string eventType, string subject, string destination, DeliveryStatus status,
        int attempts, int? httpStatus, string? error, DateTimeOffset now, int replays, Guid? replayId)
    {
        var entity = new TableEntity(eventId.ToString(), destination)
        {
            ["EventType"] = eventType,
            ["Subject"] = subject,
            ["Status"] = status.ToString(),
            ["Attempts"] = attempts,
            ["HttpStatus"] = httpStatus,
            ["Error"] = Truncate(error),
            ["UpdatedAt"] = now,
        };
        if (replays > 0) entity["Replays"] = replays;
        if (replayId is { } id) entity["ReplayId"] = id.ToString();
        return entity;
    }

    internal static DeliveryRecord ToRecord(Guid eventId, string destination, TableEntity entity) => new(
        eventId,
        destination,
        Enum.Parse<DeliveryStatus>(entity.GetString("Status")),
        entity.GetInt32("Attempts") ?? 0,
        entity.GetInt32("HttpStatus"),
        entity.GetString("Error"),
        entity.GetDateTimeOffset("UpdatedAt") ?? default,
        entity.GetDateTimeOffset("LeaseUntil"),
        entity.GetString("EventType"),
        entity.GetString("Subject"),
        entity.GetInt32("Replays") ?? 0,
        Guid.TryParse(entity.GetString("ReplayId"), out var replayId) ? replayId : null);
}
