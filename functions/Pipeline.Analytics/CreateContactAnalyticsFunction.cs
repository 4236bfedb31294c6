using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Analytics;

/// <summary><c>POST /api/v1/contact_analytics</c>: 201 with the stored entity, 422 with field errors.</summary>
public sealed class CreateContactAnalyticsFunction(TimeProvider clock) : IFunction
{
    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("CreateContactAnalyticsEvent", AnalyticsKind.Contact.Route, ["post"], AuthLevel.Function, AnalyticsIngest.Events);

    public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken) =>
        Task.FromResult(AnalyticsIngest.Handle(AnalyticsKind.Contact, invocation.Request!, clock));
}
