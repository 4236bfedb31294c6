using Azure;

namespace Pipeline.Functions.Storage;

public static class ConditionalWrites
{
    /// <summary>
    /// Inserts <paramref name="entity"/> when <paramref name="expected"/> is null, otherwise replaces it if its ETag
    /// is still <paramref name="expected"/>.
    /// </summary>
    /// <returns>The ETag written, or null when someone else wrote first (409 on insert, 412 on replace).</returns>
    public static async Task<ETag?> TryInsertOrReplaceAsync(this TableClient table, ITableEntity entity, ETag? expected,
        CancellationToken cancellationToken)
    {
        try
        {
            var response = expected is { } etag
                ? await table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken)
                : await table.AddEntityAsync(entity, cancellationToken);
            return response.Headers.ETag ?? default;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return null;
        }
    }
}
