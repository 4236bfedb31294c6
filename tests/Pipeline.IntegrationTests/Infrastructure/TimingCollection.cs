namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that assert a latency run alone, after the parallel ones: on two cores a load test next door would
/// measure contention, not the pipeline.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}
