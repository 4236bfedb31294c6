using FsCheck.Xunit;
using Microsoft.Extensions.Options;
using Pipeline.Functions.IAdvize;

namespace Pipeline.UnitTests;

/// <summary>The iAdvize signature rule: sha256=&lt;hex&gt; of HMAC-SHA256(raw body, secret), for any configured secret.</summary>
public sealed class IAdvizeWebhookSignatureTests
{
    private static IAdvizeWebhookSignature With(params string[] secrets) => new(Options.Create(new IAdvizeOptions
    {
        WebhookSecret = secrets.FirstOrDefault(),
        WebhookSecrets = secrets.Skip(1).ToList(),
    }));

    private static TestHttpRequestData Request(byte[] body, string? signature) =>
        new(new TestFunctionContext("IAdvizeWebhook"), "POST", "http://x/api/webhooks/iadvize", body,
            signature is null ? [] : [new("x-iadvize-signature", signature)]);

    [Fact]
    public void The_digest_is_the_standard_HMAC_SHA256_in_lowercase_hex()
    {
        // RFC 4231, test case 2.
        Assert.Equal("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            IAdvizeWebhookSignature.Sign(Encoding.ASCII.GetBytes("what do ya want for nothing?"), "Jefe"));
    }

    [Property]
    public bool A_body_signed_with_any_configured_secret_is_accepted(byte[] body, bool useSecond, bool upper)
    {
        var secret = useSecond ? "second" : "first";
        var signature = IAdvizeWebhookSignature.Sign(body, secret);
        if (upper) signature = "sha256=" + signature["sha256=".Length..].ToUpperInvariant();
        return With("first", "second").Problem(Request(body, signature)) is null;
    }

    [Property]
    public bool Any_changed_byte_is_refused(byte[] body, int at, byte delta)
    {
        if (body.Length == 0 || delta == 0) return true;
        var signature = IAdvizeWebhookSignature.Sign(body, "first");
        var changed = (byte[])body.Clone();
        changed[Math.Abs(at % body.Length)] ^= delta;
        return With("first").Problem(Request(changed, signature)) is not null;
    }

    [Theory]
    [InlineData("110e8400-e29b-11d4-a716-446655440000", "must be 'sha256=<hex digest>'")]
    [InlineData("sha1=0123", "must use sha256")]
    [InlineData("sha256=zz", "hex digest")]
    [InlineData(null, "missing")]
    public void Malformed_headers_are_refused_saying_why(string? header, string why)
    {
        var problem = With("first").Problem(Request("{}"u8.ToArray(), header));
        Assert.Contains(why, problem);
    }

    [Fact]
    public void Without_a_secret_nothing_is_accepted()
    {
        var body = "{}"u8.ToArray();
        Assert.Contains("IAdvize__WebhookSecret is not set", With("").Problem(Request(body, IAdvizeWebhookSignature.Sign(body, ""))));
    }
}
