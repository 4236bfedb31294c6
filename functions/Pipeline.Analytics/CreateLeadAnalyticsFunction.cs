namespace Pipeline.Functions.Analytics;

/// <summary><c>POST /api/v1/lead_analytics (the browser-extension variant included)</c>: 201 with the stored entity, 422 with field errors.</summary>
public sealed class CreateLeadAnalyticsFunction(TimeProvider clock)
{
    [Function("CreateLeadAnalyticsEvent")]
    public AnalyticsOutput Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = AnalyticsKind.LeadRoute)] HttpRequestData req) =>
        AnalyticsIngest.Handle(AnalyticsKind.Lead, req, clock);
}
