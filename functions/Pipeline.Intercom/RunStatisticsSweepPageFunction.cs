namespace Pipeline.Functions.Intercom;

/// <summary>Runs one page of the statistics sweep and asks for the next.</summary>
public sealed class RunStatisticsSweepPageFunction(StatisticsSweep sweep)
{
    public const string Name = "RunStatisticsSweepPage";

    [Function(Name)]
    public async Task<SweepPageOutput> Run([ServiceBusTrigger(StatisticsSweep.QueueName)] string message, FunctionContext context,
        CancellationToken cancellationToken)
    {
        var run = await sweep.RunPageAsync(SweepPage.Parse(message), cancellationToken);
        context.GetLogger(Name).LogInformation("{Line}", run.Line);
        return new SweepPageOutput { NextPage = run.Next?.ToJson(), Syncs = run.Syncs };
    }
}

/// <summary>The sweep's next page, and the page's statistics re-sends, published to the topic as recorded events are.</summary>
public sealed class SweepPageOutput
{
    [ServiceBusOutput(StatisticsSweep.QueueName)]
    public JsonElement? NextPage { get; init; }

    [ServiceBusOutput(EventSubscription.Topic)]
    public IReadOnlyList<JsonElement> Syncs { get; init; } = [];
}
