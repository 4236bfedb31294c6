using System.Security.Cryptography;
using Azure;

namespace Pipeline.Functions.Tracking;

public enum TrackingIdKind { Uid, Pid, MobileId }

/// <summary>
/// Issues and checks tracking ids. An identified person's id is an HMAC of (app, kind, normalised email or
/// phone) under a secret: the same for every init of that person in that app, not guessable, and not revealing
/// the email. An anonymous id is random. Every issued id is recorded (PartitionKey = app key, RowKey = id), so a
/// send for an id the pipeline never issued is refused.
/// </summary>
public sealed class TrackingIds(StorageAccount storage, IOptions<TrackingOptions> options, TimeProvider clock)
{
    private byte[]? _secret;
    private readonly SemaphoreSlim _secretGate = new(1, 1);

    /// <summary>This module's table, registered in its <c>Add…()</c>.</summary>
    public const string TableName = "TrackingIds";

    private TableClient Issued => storage.Table(TableName);

    public async Task<string> IssueAsync(string appKey, TrackingIdKind kind, string? email, string? phone,
        CancellationToken cancellationToken)
    {
        var person = Normalise(email, phone);
        string id;
        if (person is null)
        {
            id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        }
        else
        {
            var secret = await SecretAsync(cancellationToken);
            id = Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{appKey}\n{kind}\n{person}")));
        }
        await Issued.UpsertEntityAsync(new TableEntity(TableKeys.Key(appKey), id)
        {
            ["Kind"] = kind.ToString(),
            ["Identified"] = person is not null,
            ["IssuedAt"] = clock.GetUtcNow(),
        }, TableUpdateMode.Replace, cancellationToken);
        return id;
    }

    /// <returns>The kind the id was issued as, or null when this app never issued it.</returns>
    public async Task<TrackingIdKind?> FindAsync(string appKey, string id, CancellationToken cancellationToken)
    {
        if (id.Length is 0 or > 128) return null;
        var found = await Issued.GetEntityIfExistsAsync<TableEntity>(TableKeys.Key(appKey), TableKeys.Key(id),
            cancellationToken: cancellationToken);
        return found.HasValue ? Enum.Parse<TrackingIdKind>(found.Value!.GetString("Kind")) : null;
    }

    private static string? Normalise(string? email, string? phone)
    {
        if (!string.IsNullOrWhiteSpace(email)) return "email:" + email.Trim().ToLowerInvariant();
        if (!string.IsNullOrWhiteSpace(phone)) return "phone:" + new string(phone.Where(c => char.IsDigit(c) || c == '+').ToArray());
        return null;
    }

    private async Task<byte[]> SecretAsync(CancellationToken cancellationToken)
    {
        if (_secret is { } known) return known;
        await _secretGate.WaitAsync(cancellationToken);
        try
        {
            return _secret ??= options.Value.IdSecret is { Length: > 0 } configured
                ? Encoding.UTF8.GetBytes(configured)
                : await StoredSecretAsync(cancellationToken);
        }
        finally
        {
            _secretGate.Release();
        }
    }

    /// <summary>The generated secret, created once; every instance reads the same one.</summary>
    private async Task<byte[]> StoredSecretAsync(CancellationToken cancellationToken)
    {
        const string partition = "secret", row = "tracking-id";
        try
        {
            await Issued.AddEntityAsync(new TableEntity(partition, row)
            {
                ["Value"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Another instance created it first: use theirs.
        }
        var stored = await Issued.GetEntityAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        return Convert.FromBase64String(stored.Value.GetString("Value"));
    }
}
