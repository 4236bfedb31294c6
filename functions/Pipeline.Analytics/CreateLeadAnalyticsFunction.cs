using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Analytics;

/// <summary><c>POST /api/v1/lead_analytics (the browser-extension variant included)</c>: 201 with the stored entity, 422 with field errors.</summary>
public sealed class CreateLeadAnalyticsFunction(TimeProvider clock) : IFunction
{
    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("CreateLeadAnalyticsEvent", AnalyticsKind.Lead.Route, ["post"], AuthLevel.Function, AnalyticsIngest.Events);

    public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        Task.FromResult(AnalyticsIngest.Handle(AnalyticsKind.Lead, invocation.Request!, clock));
}
