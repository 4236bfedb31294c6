using System.Net.Sockets;

namespace Pipeline.Functions.Reportei;

/// <summary>
/// Which addresses a metrics callback may reach (SSRF guard): none of loopback, private, shared (CGNAT),
/// link-local, unique-local, multicast, unspecified, reserved or cloud-metadata addresses, IPv4 addresses inside
/// IPv6 (mapped, NAT64, 6to4) judged as the IPv4 address they carry.
/// </summary>
public static class WebhookAddressRules
{
    /// <returns>Why the address may not be called, or null when it may.</returns>
    public static string? Refusal(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6) return Refusal(address.MapToIPv4());
            var b = address.GetAddressBytes();
            if (address.Equals(IPAddress.IPv6Any)) return "unspecified";
            if (address.Equals(IPAddress.IPv6Loopback)) return "loopback";
            if (b[0] == 0xff) return "multicast";
            if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link-local";
            if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "site-local";
            if ((b[0] & 0xfe) == 0xfc) return "unique-local (private)";
            // 64:ff9b::/96 (NAT64) and ::/96 (IPv4-compatible) carry an IPv4 address in their last 4 bytes.
            if ((b is [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..]) || b.Take(12).All(x => x == 0))
                return Refusal(new IPAddress(b[12..]));
            if (b[0] == 0x20 && b[1] == 0x02) return Refusal(new IPAddress(b[2..6])); // 6to4
            if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return "documentation";
            return null;
        }
        if (address.AddressFamily != AddressFamily.InterNetwork) return "not an IP address";
        var v4 = address.GetAddressBytes();
        return v4 switch
        {
            [0, ..] => "unspecified",
            [127, ..] => "loopback",
            [10, ..] => "private",
            [172, >= 16 and <= 31, ..] => "private",
            [192, 168, ..] => "private",
            [169, 254, 169, 254] => "cloud metadata",
            [169, 254, ..] => "link-local",
            [168, 63, 129, 16] => "cloud metadata (Azure host)",
            [100, >= 64 and <= 127, ..] => "shared address space (CGNAT; also cloud metadata)",
            [192, 0, 0, ..] => "reserved (IETF protocol assignments)",
            [198, 18 or 19, ..] => "reserved (benchmarking)",
            [>= 224 and <= 239, ..] => "multicast",
            [>= 240, ..] => "reserved",
            _ => null,
        };
    }
}
