using Azure.Core;
using Azure.Core.Pipeline;

namespace Pipeline.Testing;

/// <summary>Records the URI of every storage request the app makes, so a test can see which partitions a query read.</summary>
public sealed class StorageRequestLog : HttpPipelineSynchronousPolicy
{
    private readonly List<string> _uris = [];

    public IReadOnlyList<string> Uris
    {
        get { lock (_uris) return _uris.ToList(); }
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        lock (_uris) _uris.Add(Uri.UnescapeDataString(message.Request.Uri.ToString()));
    }

    public void Clear()
    {
        lock (_uris) _uris.Clear();
    }
}
