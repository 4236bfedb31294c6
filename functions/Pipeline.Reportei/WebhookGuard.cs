using System.Net.Sockets;

namespace Pipeline.Functions.Reportei;

/// <summary>A callback URL or the address it resolved to may not be called; the job fails for good.</summary>
public sealed class WebhookAddressRefusedException(string message) : Exception(message);

/// <summary>
/// The SSRF guard of metrics callbacks: the URL is checked when the job is accepted, and every connection the
/// webhook client opens is checked again against the address it actually connects to (so a name that resolved to a
/// public address at acceptance and to a private one later is still refused).
/// </summary>
public sealed class WebhookGuard(IOptionsMonitor<ReporteiOptions> options)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    /// <returns>Why the URL may not receive callbacks, or null when it may.</returns>
    public async Task<string?> ProblemAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            return "must be an absolute https URL";
        if (SchemeProblem(uri) is { } scheme) return scheme;
        if (options.CurrentValue.IsAllowedHost(uri.Host)) return null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ResolveTimeout);
            var addresses = await AddressesAsync(uri.Host, timeout.Token);
            return addresses.Length == 0 ? $"host {uri.Host} does not resolve" : Refusals(uri.Host, addresses);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"host {uri.Host} does not resolve";
        }
    }

    public string? SchemeProblem(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp && options.CurrentValue.AllowHttpWebhooks
            ? null
            : options.CurrentValue.AllowHttpWebhooks ? "must be an http or https URL" : "must be an https URL";

    /// <summary>The webhook client's <see cref="SocketsHttpHandler.ConnectCallback"/>: connects only to addresses the rules allow.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await AddressesAsync(host, cancellationToken);
        var allowed = options.CurrentValue.IsAllowedHost(host)
            ? addresses
            : addresses.Where(a => WebhookAddressRules.Refusal(a) is null).ToArray();
        if (allowed.Length == 0)
            throw new WebhookAddressRefusedException(Refusals(host, addresses) ?? $"host {host} does not resolve");

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<IPAddress[]> AddressesAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.TrimStart('[').TrimEnd(']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);

    private static string? Refusals(string host, IEnumerable<IPAddress> addresses) =>
        addresses.Select(a => (Address: a, Reason: WebhookAddressRules.Refusal(a))).FirstOrDefault(r => r.Reason is not null) is
            { Reason: not null } refused
            ? $"host {host} resolves to {refused.Address}, a {refused.Reason} address, which callbacks may not reach " +
              "(list the host in Reportei__AllowedWebhookHosts to allow it)"
            : null;
}
