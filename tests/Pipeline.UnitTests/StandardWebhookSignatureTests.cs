using Pipeline.Functions.Reportei;

namespace Pipeline.UnitTests;

public sealed class StandardWebhookSignatureTests
{
    [Fact]
    public void Signs_the_Standard_Webhooks_example_as_the_spec_does()
    {
        // The example of the Standard Webhooks specification.
        var key = StandardWebhookSignature.KeyOf("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")!;
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            StandardWebhookSignature.Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, """{"test": 2432232314}"""));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("whsec_")]
    [InlineData("whsec_not base64!")]
    public void A_missing_or_malformed_secret_has_no_key(string? secret) => Assert.Null(StandardWebhookSignature.KeyOf(secret));
}
