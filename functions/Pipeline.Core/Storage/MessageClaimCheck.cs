using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;

namespace Pipeline.Functions.Storage;

/// <summary>
/// The claim-check pattern for the rare message too large for a queue (a storage queue message holds 64 KiB, a
/// Service Bus Standard message 256 KB). The dispatcher runs every function, for both hosts, through here: an
/// output message over <see cref="MaxInlineBytes"/> is written to the <see cref="ContainerName"/> blob container and
/// replaced on its queue by <c>{"$claimCheck":"&lt;blob&gt;","bytes":n,"id":…,"type":…}</c>; a queue function that
/// receives such a reference gets the original message back before it runs. Functions never see references.
/// Blobs are named by the SHA-256 of their content, so a redelivery or a re-routed copy writes the same blob.
/// </summary>
public sealed class MessageClaimCheck(StorageAccount storage, Messaging.IMessagePublisher publisher, ILogger<MessageClaimCheck> logger)
{
    public const string ContainerName = "large-messages";

    /// <summary>Messages up to this many bytes on their queue travel inline; well under either queue's limit.</summary>
    public const int MaxInlineBytes = 48 * 1024;

    public const string ReferenceProperty = "$claimCheck";

    private BlobContainerClient Container => storage.Blobs.GetBlobContainerClient(ContainerName);

    /// <summary>Replaces every output message over <see cref="MaxInlineBytes"/> with a reference to a blob holding it.</summary>
    public async Task CheckInAsync(FunctionResult result, CancellationToken cancellationToken)
    {
        foreach (var messages in result.Messages.Values)
        {
            for (var i = 0; i < messages.Count; i++)
            {
                var text = messages[i].Body.GetRawText();
                // A UTF-16 character takes at most 6 bytes on a queue (\uXXXX in Azurite's ASCII frame): most messages
                // are ruled out without counting.
                if ((long)text.Length * 6 <= MaxInlineBytes) continue;
                if (publisher.BytesOnQueue(text) <= MaxInlineBytes) continue;
                messages[i] = messages[i] with { Body = await StoreAsync(messages[i].Body, Encoding.UTF8.GetBytes(text), cancellationToken) };
            }
        }
    }

    /// <summary>The invocation itself, or, when its message is a reference, a copy carrying the original message.</summary>
    public async Task<Invocation> ResolveAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        if (invocation.Message is not { Length: < 1024 } message || !message.Contains(ReferenceProperty, StringComparison.Ordinal))
            return invocation;
        string? blobName;
        try
        {
            using var document = JsonDocument.Parse(message);
            blobName = document.RootElement.ValueKind == JsonValueKind.Object
                       && document.RootElement.TryGetProperty(ReferenceProperty, out var reference)
                       && reference.ValueKind == JsonValueKind.String
                ? reference.GetString()
                : null;
        }
        catch (JsonException)
        {
            return invocation; // not a reference: the function judges the message
        }
        if (blobName is null) return invocation;

        var content = await Container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
        return invocation with { Message = content.Value.Content.ToString() };
    }

    private async Task<JsonElement> StoreAsync(JsonElement message, byte[] bytes, CancellationToken cancellationToken)
    {
        var name = Convert.ToHexStringLower(SHA256.HashData(bytes)) + ".json";
        var blob = Container.GetBlobClient(name);
        try
        {
            await blob.UploadAsync(new BinaryData(bytes), overwrite: true, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await blob.UploadAsync(new BinaryData(bytes), overwrite: true, cancellationToken);
        }
        logger.LogDebug("Message of {Bytes} bytes claim-checked as {Blob}", bytes.Length, name);

        var reference = RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString(ReferenceProperty, name);
            w.WriteNumber("bytes", bytes.Length);
            // The envelope's id and type stay readable on the queue (and in a poison message).
            foreach (var property in new[] { "id", "type" })
            {
                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty(property, out var value)
                    && value.ValueKind == JsonValueKind.String)
                    w.WriteString(property, value.GetString());
            }
            w.WriteEndObject();
        });
        using var document = JsonDocument.Parse(reference);
        return document.RootElement.Clone();
    }
}
