namespace Pipeline.Functions.Tracking;

/// <summary><c>POST /api/mobileapi/init</c>: opens a mobile tracking session; answers <c>{"status":"ok","mobileId":…}</c>.</summary>
public sealed class MobileInitFunction(TrackingIds ids, IOptions<TrackingOptions> options, TimeProvider clock)
{
    [Function("TrackingMobileInit")]
    public async Task<TrackingOutput> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "mobileapi/init")] HttpRequestData req,
        CancellationToken cancellationToken)
    {
        var (body, error) = TrackingRequest.Read(req, options.Value);
        if (error is not null) return TrackingOutput.Refused(error);

        var appKey = TrackingRequest.Text(body, "appkey")!;
        var problems = new FieldProblems();
        var email = TrackingRequest.Email(body, "userEmail", problems);
        var phone = TrackingRequest.Phone(body, "userPhone", problems);
        if (problems.Any) return TrackingOutput.Refused(TrackingRequest.Invalid(req, problems));
        var identified = !string.IsNullOrWhiteSpace(email) || !string.IsNullOrWhiteSpace(phone);
        var id = await ids.IssueAsync(appKey, TrackingIdKind.MobileId, email, phone, cancellationToken);

        return TrackingRequest.Accept(
            TrackingRequest.Ok(req, new MobileSessionOpened("ok", id), TrackingJson.Default.MobileSessionOpened),
            TrackingEvents.MobileInit, TrackingRequest.VisitorSubject(id),
            SendData.With(WebInitFunction.Session(TrackingIdKind.MobileId, id, identified, email, phone, body), (TrackingRequest.AppKeyField, appKey)), clock);
    }
}
