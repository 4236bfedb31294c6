using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Functions.Hosting.Worker;

namespace Pipeline.IntegrationTests;

/// <summary>The claim check's middleware on the test <c>FunctionContext</c>, against a real Azurite's blobs.</summary>
public sealed class ClaimCheckMiddlewareTests
{
    [Fact]
    public async Task A_message_that_is_a_reference_is_downloaded_before_the_function_binds_it()
    {
        await using var azurite = await Azurite.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { [StorageAccount.ConnectionSetting] = azurite.ConnectionString }).Build();
        var claimCheck = new MessageClaimCheck(new StorageAccount(configuration, []), new WeighingPublisher(),
            NullLogger<MessageClaimCheck>.Instance);
        var original = "{\"id\":\"e-large\",\"type\":\"push.statistics\",\"data\":{\"note\":\"" + new string('x', 60_000) + "\"}}";
        var sent = FunctionResult.Done().Send(new QueueOutput("events", "events"), JsonDocument.Parse(original).RootElement);
        await claimCheck.CheckInAsync(sent, CancellationToken.None);
        var reference = sent.Messages["events"][0].Body.GetRawText();
        Assert.Contains(MessageClaimCheck.ReferenceProperty, reference);

        var services = new ServiceCollection().AddFunctions<Record>().BuildServiceProvider();
        var context = new TestFunctionContext("Record");
        context.Features.Set(new InvocationFeature(WorkerFunction.Of(services.GetServices<FunctionClass>(), services).Single(),
            new Invocation { FunctionName = "Record", Message = reference }));
        string? bound = null;

        await new ClaimCheckResolveMiddleware(claimCheck).Invoke(context, c =>
        {
            bound = c.GetInvocation().Invocation.Message;
            return Task.CompletedTask;
        });

        Assert.Equal(original, bound);
    }

    /// <summary>The function the message is for; the middleware's next step stands in for it.</summary>
    public sealed class Record
    {
        [Function("Record")]
        public void Run([ServiceBusTrigger("events")] string message) =>
            throw new InvalidOperationException("the middleware's next step stands in for the function");
    }

    /// <summary>Weighs bodies as a queue carries them (the interface's own count); sends nothing.</summary>
    private sealed class WeighingPublisher : IMessagePublisher
    {
        public Task SendAsync(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the claim check only weighs");
    }
}
