using Azure;
using Azure.Data.Tables;

namespace Pipeline.Functions.Storage;

public enum DeliveryStatus
{
    /// <summary>A forwarder holds the delivery and is calling the destination now.</summary>
    InFlight,
    /// <summary>A transient failure happened; the message is being redelivered.</summary>
    Retrying,
    Delivered,
    /// <summary>The destination refused the event for good (a 4xx other than 408/429).</summary>
    Failed,
    /// <summary>The destination is not configured; the event is only in the log.</summary>
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

/// <summary>The outcome of trying to take a delivery: do it (as attempt N), it is done already, or someone else is on it.</summary>
public abstract record DeliveryClaim
{
    public sealed record Claimed(int Attempt) : DeliveryClaim;
    public sealed record AlreadyDone(DeliveryRecord Record) : DeliveryClaim;
    public sealed record HeldElsewhere(DateTimeOffset? Until) : DeliveryClaim;
}

/// <summary>
/// One record per (event, destination): PartitionKey = event id, RowKey = destination. Before calling a
/// destination a forwarder claims the record with an ETag-checked write, so two copies of one message that
/// arrive together (a redelivery racing the original) make one call between them.
/// </summary>
public sealed class DeliveryLog(StorageAccount storage, TimeProvider clock)
{
    private TableClient Table => storage.Table(TableNames.Deliveries);

    /// <param name="lease">How long the claim holds before another delivery may take over (a crashed forwarder).</param>
    public async Task<DeliveryClaim> ClaimAsync(Guid eventId, string destination, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var entity = await GetAsync(eventId, destination, cancellationToken);
        var previous = entity is null ? null : ToRecord(eventId, destination, entity);
        if (previous is { IsFinal: true }) return new DeliveryClaim.AlreadyDone(previous);
        if (previous is { Status: DeliveryStatus.InFlight, LeaseUntil: { } until } && until > now)
            return new DeliveryClaim.HeldElsewhere(until);

        var attempt = (previous?.Attempts ?? 0) + 1;
        var claim = NewEntity(eventId, destination, DeliveryStatus.InFlight, attempt, previous?.HttpStatus, previous?.Error, now);
        claim["LeaseUntil"] = now + lease;
        try
        {
            if (entity is null) await Table.AddEntityAsync(claim, cancellationToken);
            else await Table.UpdateEntityAsync(claim, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            return new DeliveryClaim.Claimed(attempt);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return new DeliveryClaim.HeldElsewhere(null); // another delivery claimed it between our read and write
        }
    }

    public async Task SaveAsync(Guid eventId, string destination, DeliveryStatus status, int attempts,
        int? httpStatus, string? error, CancellationToken cancellationToken)
    {
        var entity = NewEntity(eventId, destination, status, attempts, httpStatus, error, clock.GetUtcNow());
        await Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    private async Task<TableEntity?> GetAsync(Guid eventId, string destination, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(eventId.ToString(), destination,
            cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    private static TableEntity NewEntity(Guid eventId, string destination, DeliveryStatus status, int attempts,
        int? httpStatus, string? error, DateTimeOffset now) =>
        new(eventId.ToString(), destination)
        {
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

/// <summary>Another invocation holds this delivery; retrying later finds it done (or its lease expired).</summary>
public sealed class DeliveryInProgressException(string message) : Exception(message);
