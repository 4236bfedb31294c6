using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Analytics;

/// <summary><c>POST /api/v1/analytics_events</c>: 201 with the stored entity, 422 with field errors.</summary>
public sealed class CreateAnalyticsEventsFunction(TimeProvider clock) : IFunction
{
    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("CreateAnalyticsEvent", AnalyticsKind.Generic.Route, ["post"], AuthLevel.Function, AnalyticsIngest.Events);

    public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        Task.FromResult(AnalyticsIngest.Handle(AnalyticsKind.Generic, invocation.Request!, clock));
}
