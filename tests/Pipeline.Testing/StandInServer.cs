using System.Collections.Specialized;
using WireMock.Logging;
using WireMock.Server;
using WireMock.Settings;

namespace Pipeline.Testing;

/// <summary>Starting a stand-in's WireMock server, and showing what it receives to someone watching.</summary>
public static class StandInServer
{
    /// <summary>On a free port (tests), or on 127.0.0.1 at the given one (<c>./run --stand-ins</c>, which chose it).</summary>
    public static WireMockServer Start(int? port) => port is { } fixedPort
        ? WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{fixedPort}"] })
        : WireMockServer.Start();

    /// <summary>
    /// Writes one line per request as it arrives: method, path and query, body, and the status answered, so a
    /// newcomer sees exactly what the pipeline would have sent to the real API.
    /// </summary>
    public static void PrintRequests(WireMockServer server, string name, TextWriter output)
    {
        server.LogEntriesChanged += (_, change) =>
        {
            if (change.Action != NotifyCollectionChangedAction.Add || change.NewItems is null) return;
            foreach (var entry in change.NewItems.OfType<ILogEntry>())
            {
                lock (output) output.WriteLine(Describe(name, entry));
            }
        };
    }

    public static string Describe(string name, ILogEntry entry)
    {
        var request = entry.RequestMessage!;
        var target = request.Path + (string.IsNullOrEmpty(request.RawQuery) ? "" : request.RawQuery);
        var body = string.IsNullOrEmpty(request.Body) ? "" : " " + request.Body;
        var status = entry.ResponseMessage?.StatusCode is { } code ? $" → {code}" : "";
        return $"{name} stand-in ← {request.Method} {target}{body}{status}";
    }
}
