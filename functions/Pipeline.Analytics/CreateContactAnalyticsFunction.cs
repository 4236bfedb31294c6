namespace Pipeline.Functions.Analytics;

/// <summary><c>POST /api/v1/contact_analytics</c>: 201 with the stored entity, 422 with field errors.</summary>
public sealed class CreateContactAnalyticsFunction(TimeProvider clock)
{
    [Function("CreateContactAnalyticsEvent")]
    public AnalyticsOutput Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = AnalyticsKind.ContactRoute)] HttpRequestData req) =>
        AnalyticsIngest.Handle(AnalyticsKind.Contact, req, clock);
}
