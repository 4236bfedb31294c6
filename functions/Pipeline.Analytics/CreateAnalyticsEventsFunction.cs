namespace Pipeline.Functions.Analytics;

/// <summary><c>POST /api/v1/analytics_events</c>: 201 with the stored entity, 422 with field errors.</summary>
public sealed class CreateAnalyticsEventsFunction(TimeProvider clock)
{
    [Function("CreateAnalyticsEvent")]
    public AnalyticsOutput Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = AnalyticsKind.GenericRoute)] HttpRequestData req) =>
        AnalyticsIngest.Handle(AnalyticsKind.Generic, req, clock);
}
