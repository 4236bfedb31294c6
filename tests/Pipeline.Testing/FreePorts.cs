using System.Collections.Concurrent;
using System.Net.Sockets;

namespace Pipeline.Testing;

public static class FreePorts
{
    // The OS may hand the same ephemeral port out again as soon as the probe closes it (Azurite was once given one
    // port for two of its services); a port given out once in this process is not given out again.
    private static readonly ConcurrentDictionary<int, bool> Given = new();

    /// <summary>A port the OS reports free right now; the brief gap before it is bound is acceptable in tests.</summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (Given.TryAdd(port, true)) return port;
        }
    }
}
