using System.Security.Cryptography;
using Azure;

namespace Pipeline.Functions.IAdvize;

/// <summary>The envelope identity every copy of one iAdvize event shares.</summary>
public sealed record WebhookIdentity(Guid EnvelopeId, string Subject, DateTimeOffset ReceivedAt, bool Duplicate);

/// <summary>
/// Makes every copy of one iAdvize event (a retry, a replay) one envelope. Two keys name an event: its
/// <c>eventType</c> + <c>eventId</c> (the doc's examples all share one eventId, so the id alone would merge different
/// events) and the <c>X-iAdvize-CorrelationId</c> that stays the same across retries of one callback (the doc does
/// not say that eventId does). A body with neither is named by the SHA-256 of its exact bytes (<see cref="BodyKey"/>).
/// One row per key (PartitionKey = key kind, RowKey = key) holds the envelope id, subject
/// and arrival time of the first copy, written insert-if-absent before the event is queued. Every copy is queued
/// again with that identity, so a copy arriving while the first is still queued, or after a crash between this
/// write and the queue send, still leaves exactly one event: the Recorder inserts it if absent, and the delivery
/// records are per envelope id.
/// </summary>
public sealed class WebhookDeduplication(StorageAccount storage)
{
    private const string EventKind = "event";
    private const string CorrelationKind = "correlation";
    private const string BodyKind = "body";

    /// <summary>This module's table, registered in its <c>Add…()</c>.</summary>
    public const string TableName = "IAdvizeWebhooks";

    private TableClient Table => storage.Table(TableName);

    /// <param name="rawBody">The signed bytes as received: the event's name when neither id is there.</param>
    public async Task<WebhookIdentity> IdentifyAsync(string eventType, string? eventId, string? correlationId,
        ReadOnlyMemory<byte> rawBody, WebhookIdentity proposed, CancellationToken cancellationToken)
    {
        var keys = new List<(string Kind, string Key)>();
        if (!string.IsNullOrEmpty(eventId)) keys.Add((EventKind, TableKeys.Composite(eventType, eventId)));
        if (!string.IsNullOrEmpty(correlationId)) keys.Add((CorrelationKind, TableKeys.Key(correlationId)));
        if (keys.Count == 0) keys.Add((BodyKind, BodyKey(rawBody.Span)));

        // Insert-if-absent under the first key (the event's own id when it has one): a new event costs one write per key.
        var identity = await ClaimAsync(keys[0].Kind, keys[0].Key, proposed, cancellationToken) ?? proposed;
        if (keys.Count == 2)
        {
            var byCorrelation = await ClaimAsync(keys[1].Kind, keys[1].Key, identity, cancellationToken);
            if (byCorrelation is not null && byCorrelation.EnvelopeId != identity.EnvelopeId && identity.EnvelopeId == proposed.EnvelopeId)
            {
                // A retry of a known callback under a new eventId: it is the earlier event, under both keys.
                identity = byCorrelation;
                await Table.UpsertEntityAsync(Row(keys[0].Kind, keys[0].Key, identity), TableUpdateMode.Replace, cancellationToken);
            }
        }
        return identity with { Duplicate = identity.EnvelopeId != proposed.EnvelopeId };
    }

    /// <summary>
    /// The key of a body that names no event itself. A replayed capture is the same bytes, whatever headers come with
    /// it; two real events differ in their bytes (the doc's payloads carry their own times and conversation, visitor
    /// or operator ids), so a byte-identical body is a copy. The bytes as signed, not the parsed JSON: a re-serialised
    /// body (other spacing, key order) is another body to the signature too.
    /// </summary>
    public static string BodyKey(ReadOnlySpan<byte> rawBody) => "sha256-" + Convert.ToHexStringLower(SHA256.HashData(rawBody));

    private async Task<WebhookIdentity?> FindAsync(string kind, string key, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(kind, key, cancellationToken: cancellationToken);
        return found.HasValue ? ToIdentity(found.Value!) : null;
    }

    /// <returns>null when this identity was written; the identity already stored under the key otherwise.</returns>
    private async Task<WebhookIdentity?> ClaimAsync(string kind, string key, WebhookIdentity identity, CancellationToken cancellationToken)
    {
        try
        {
            await Table.AddEntityAsync(Row(kind, key, identity), cancellationToken);
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return await FindAsync(kind, key, cancellationToken);
        }
    }

    private static TableEntity Row(string kind, string key, WebhookIdentity identity) => new(kind, key)
    {
        ["EnvelopeId"] = identity.EnvelopeId.ToString(),
        ["Subject"] = identity.Subject,
        ["ReceivedAt"] = identity.ReceivedAt,
    };

    private static WebhookIdentity ToIdentity(TableEntity entity) => new(
        Guid.Parse(entity.GetString("EnvelopeId")),
        entity.GetString("Subject"),
        entity.GetDateTimeOffset("ReceivedAt") ?? default,
        Duplicate: true);
}
