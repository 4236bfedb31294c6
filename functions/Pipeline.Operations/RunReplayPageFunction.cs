namespace Pipeline.Functions.Operations;

/// <summary>The <c>replays</c> queue: one page of a large replay per message, the next page sent on until the end.</summary>
public sealed class RunReplayPageFunction(Replayer replayer)
{
    public const string Name = "RunReplayPage";

    [Function(Name)]
    public async Task<ReplayPageOutput> Run([ServiceBusTrigger(Replayer.QueueName)] string message, FunctionContext context,
        CancellationToken cancellationToken)
    {
        var run = await replayer.RunPageAsync(ReplayPage.Parse(message), cancellationToken);
        context.GetLogger(Name).LogInformation("{Line}", run.Line);
        return new ReplayPageOutput { Replayed = run.Replayed, NextPage = run.Next?.ToJson() };
    }
}

/// <summary>A page's events, each addressed to the replay's destination, and the next page when more remain.</summary>
public sealed class ReplayPageOutput
{
    [ServiceBusOutput(EventSubscription.Topic)]
    public IReadOnlyList<OutputMessage> Replayed { get; init; } = [];

    [ServiceBusOutput(Replayer.QueueName)]
    public JsonElement? NextPage { get; init; }
}
