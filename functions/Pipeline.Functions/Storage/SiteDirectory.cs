using Azure;
using Azure.Data.Tables;

namespace Pipeline.Functions.Storage;

/// <summary>
/// One row per known site (PartitionKey = escaped site id, RowKey = ""): its Intercom ids, its owner contact, its
/// latest statistics and what was last synced, and the event time of every Intercom attribute last sent. The
/// statistics sweep pages through this table; nothing else scans it.
/// </summary>
public sealed class SiteDirectory(StorageAccount storage)
{
    public const string SiteIdProperty = "SiteId";
    private const int MaxConflictRetries = 20;

    private TableClient Table => storage.Table(TableNames.Sites);

    public async Task<TableEntity?> FindAsync(string siteId, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Key(siteId), "", cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Read-modify-write of a site's row, retried on concurrent change (ETag), creating the row if absent.
    /// <paramref name="change"/> returns false when there is nothing to write.
    /// </summary>
    public async Task UpdateAsync(string siteId, Func<TableEntity, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var existing = await FindAsync(siteId, cancellationToken);
            var entity = existing ?? new TableEntity(TableKeys.Key(siteId), "") { [SiteIdProperty] = siteId };
            if (!change(entity)) return;
            try
            {
                if (existing is null) await Table.AddEntityAsync(entity, cancellationToken);
                else await Table.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxConflictRetries)
            {
                // Someone else changed the row between our read and write: read it again and re-apply.
            }
        }
    }

    /// <summary>One page of sites from a continuation token (null: the first page); never the whole table.</summary>
    public async Task<(IReadOnlyList<TableEntity> Sites, string? Next)> PageAsync(string? continuation, int pageSize,
        CancellationToken cancellationToken)
    {
        await foreach (var page in Table.QueryAsync<TableEntity>(maxPerPage: pageSize, cancellationToken: cancellationToken)
                           .AsPages(continuation, pageSize))
            return (page.Values, page.ContinuationToken);
        return ([], null);
    }
}
