using Microsoft.Extensions.Options;
using Moq;
using Pipeline.Functions.Reportei;

namespace Pipeline.UnitTests;

/// <summary>The SSRF guard of Reportei's metrics callbacks: the address rules, the URL check, and the check at connection time.</summary>
public sealed class WebhookGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("169.254.10.1", "link-local")]
    [InlineData("168.63.129.16", "cloud metadata (Azure host)")]
    [InlineData("100.100.100.200", "shared address space (CGNAT; also cloud metadata)")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255", "reserved")]
    [InlineData("::1", "loopback")]
    [InlineData("::", "unspecified")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fd00:ec2::254", "unique-local (private)")]
    [InlineData("fc00::1", "unique-local (private)")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "cloud metadata")]
    [InlineData("64:ff9b::10.0.0.1", "private")]
    [InlineData("2002:c0a8:0101::1", "private")] // 6to4 of 192.168.1.1
    public void Addresses_callbacks_may_not_reach_are_refused_with_the_reason(string address, string reason) =>
        Assert.Equal(reason, WebhookAddressRules.Refusal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700::6810:85e5")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.Null(WebhookAddressRules.Refusal(IPAddress.Parse(address)));

    private static WebhookGuard Guard(bool allowHttp = false, params string[] allowedHosts)
    {
        var options = new Mock<IOptionsMonitor<ReporteiOptions>>();
        options.Setup(o => o.CurrentValue).Returns(new ReporteiOptions { AllowHttpWebhooks = allowHttp, AllowedWebhookHosts = [.. allowedHosts] });
        return new WebhookGuard(options.Object);
    }

    [Theory]
    [InlineData("http://93.184.215.14/hook", false, "must be an https URL")]
    [InlineData("ftp://93.184.215.14/hook", true, "must be an http or https URL")]
    [InlineData("not a url", false, "must be an absolute https URL")]
    [InlineData("https://127.0.0.1/hook", false, "host 127.0.0.1 resolves to 127.0.0.1, a loopback address")]
    [InlineData("https://[fe80::1]/hook", false, "a link-local address")]
    [InlineData("https://169.254.169.254/latest/meta-data", false, "a cloud metadata address")]
    public async Task Urls_are_checked_before_a_job_is_accepted(string url, bool allowHttp, string problem) =>
        Assert.Contains(problem, await Guard(allowHttp).ProblemAsync(url, CancellationToken.None));

    [Fact]
    public async Task Listed_hosts_and_public_addresses_pass()
    {
        Assert.Null(await Guard(false, "127.0.0.1").ProblemAsync("https://127.0.0.1:8443/hook", CancellationToken.None));
        Assert.Null(await Guard().ProblemAsync("https://93.184.215.14/hook", CancellationToken.None));
        Assert.Null(await Guard(true).ProblemAsync("http://93.184.215.14/hook", CancellationToken.None));
    }

    [Fact]
    public async Task Connections_are_checked_against_the_address_actually_reached()
    {
        // A real listener on loopback, so that only the guard stands between the client and a connection.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var refusing = new HttpClient(new SocketsHttpHandler { ConnectCallback = Guard(true).ConnectAsync });
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => refusing.GetAsync($"http://localhost:{port}/"));
            Assert.IsType<WebhookAddressRefusedException>(refused.InnerException);
            Assert.False(listener.Pending(), "nothing connected to the loopback listener");

            using var allowing = new HttpClient(new SocketsHttpHandler { ConnectCallback = Guard(true, "localhost").ConnectAsync })
                { Timeout = TimeSpan.FromSeconds(1) };
            var accepted = listener.AcceptTcpClientAsync();
            _ = allowing.GetAsync($"http://localhost:{port}/");
            using var client = await accepted.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.True(client.Connected, "a listed host is connected to");
        }
        finally
        {
            listener.Stop();
        }
    }
}
