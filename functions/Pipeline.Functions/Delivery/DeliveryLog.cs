using Azure;
using Azure.Data.Tables;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Storage;

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
}

public sealed record DeliveryRecord(
    Guid EventId,
    string Destination,
    DeliveryStatus Status,
    int Attempts,
    int? HttpStatus,
    string? Error,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LeaseUntil = null)
{
    /// <summary>Done deliveries are never repeated, whatever redelivers the message.</summary>
    public bool IsFinal => Status is DeliveryStatus.Delivered or DeliveryStatus.Failed or DeliveryStatus.Skipped;
}

/// <summary>A claimed delivery: attempt N, held until <see cref="Until"/>, and the ETag every later write is conditional on.</summary>
public sealed record DeliveryLease(Guid EventId, string EventType, string Subject, string Destination, int Attempt,
    DateTimeOffset Until, ETag ETag);

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
/// </summary>
public sealed class DeliveryLog(StorageAccount storage, TimeProvider clock)
{
    private TableClient Table => storage.Table(TableNames.Deliveries);

    /// <param name="lease">How long the claim holds before another invocation may take over (a crashed or stuck one).</param>
    public async Task<DeliveryClaim> ClaimAsync(EventEnvelope envelope, string destination, TimeSpan lease,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // Most claims are a first attempt: create the record at once (one round trip), read it only if it exists.
        try
        {
            var first = NewEntity(envelope.Id, envelope.Type, envelope.Subject, destination, DeliveryStatus.InFlight, 1, null, null, now);
            first["LeaseUntil"] = now + lease;
            var created = await Table.AddEntityAsync(first, cancellationToken);
            return Claimed(envelope, destination, 1, now + lease, created);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // A redelivery, or a copy of the message running now: decide on the record as it stands.
        }

        var entity = await GetAsync(envelope.Id, destination, cancellationToken);
        if (entity is null) return new DeliveryClaim.HeldElsewhere(null); // removed meanwhile: let the redelivery decide
        var previous = ToRecord(envelope.Id, destination, entity);
        if (previous.IsFinal) return new DeliveryClaim.AlreadyDone(previous);
        if (previous is { Status: DeliveryStatus.InFlight, LeaseUntil: { } until } && until > now)
            return new DeliveryClaim.HeldElsewhere(until);

        var attempt = previous.Attempts + 1;
        var claim = NewEntity(envelope.Id, envelope.Type, envelope.Subject, destination, DeliveryStatus.InFlight, attempt,
            previous.HttpStatus, previous.Error, now);
        claim["LeaseUntil"] = now + lease;
        try
        {
            var response = await Table.UpdateEntityAsync(claim, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            return Claimed(envelope, destination, attempt, now + lease, response);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return new DeliveryClaim.HeldElsewhere(null); // another invocation claimed it between our read and write
        }
    }

    private static DeliveryClaim.Claimed Claimed(EventEnvelope envelope, string destination, int attempt, DateTimeOffset until,
        Response response) =>
        new(new DeliveryLease(envelope.Id, envelope.Type, envelope.Subject, destination, attempt, until,
            response.Headers.ETag ?? throw new InvalidOperationException("Table Storage returned no ETag")));

    /// <summary>Writes the outcome of a claimed delivery, only if the claim still holds.</summary>
    /// <returns>false when another invocation took the delivery over: its record stands, ours is dropped.</returns>
    public async Task<bool> FinishAsync(DeliveryLease lease, DeliveryStatus status, int? httpStatus, string? error,
        CancellationToken cancellationToken)
    {
        var entity = NewEntity(lease.EventId, lease.EventType, lease.Subject, lease.Destination, status, lease.Attempt, httpStatus,
            error, clock.GetUtcNow());
        try
        {
            await Table.UpdateEntityAsync(entity, lease.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    public async Task<DeliveryRecord?> FindAsync(Guid eventId, string destination, CancellationToken cancellationToken) =>
        await GetAsync(eventId, destination, cancellationToken) is { } entity ? ToRecord(eventId, destination, entity) : null;

    private async Task<TableEntity?> GetAsync(Guid eventId, string destination, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(eventId.ToString(), destination,
            cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    private static TableEntity NewEntity(Guid eventId, string eventType, string subject, string destination, DeliveryStatus status,
        int attempts, int? httpStatus, string? error, DateTimeOffset now) =>
        new(eventId.ToString(), destination)
        {
            ["EventType"] = eventType,
            ["Subject"] = subject,
            ["Status"] = status.ToString(),
            ["Attempts"] = attempts,
            ["HttpStatus"] = httpStatus,
            ["Error"] = error is { Length: > 4000 } ? error[..4000] : error,
            ["UpdatedAt"] = now,
        };

    private static DeliveryRecord ToRecord(Guid eventId, string destination, TableEntity entity) => new(
        eventId,
        destination,
        Enum.Parse<DeliveryStatus>(entity.GetString("Status")),
        entity.GetInt32("Attempts") ?? 0,
        entity.GetInt32("HttpStatus"),
        entity.GetString("Error"),
        entity.GetDateTimeOffset("UpdatedAt") ?? default,
        entity.GetDateTimeOffset("LeaseUntil"));
}
