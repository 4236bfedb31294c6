using System.Net;
using System.Net.Sockets;

namespace Pipeline.Testing;

public static class FreePorts
{
    /// <summary>A port the OS reports free right now; the brief gap before it is bound is acceptable in tests.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
