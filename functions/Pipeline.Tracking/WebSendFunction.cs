namespace Pipeline.Functions.Tracking;

/// <summary>
/// <c>POST /api/jsapi/send</c>: one web tracking action for a <c>uid</c> (or <c>pid</c>, also sent as <c>uid</c>)
/// issued by <c>/jsapi/init</c>. Answers <c>{}</c>.
/// </summary>
public sealed class WebSendFunction(TrackingIds ids, IOptions<TrackingOptions> options, TimeProvider clock)
{
    [Function("TrackingWebSend")]
    public async Task<TrackingOutput> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "jsapi/send")] HttpRequestData req,
        CancellationToken cancellationToken)
    {
        var (body, error) = TrackingRequest.Read(req, options.Value);
        if (error is not null) return TrackingOutput.Refused(error);

        var (data, problems) = TrackingAction.Validate(body);
        var uid = TrackingRequest.Text(body, "uid");
        var uType = TrackingRequest.Text(body, "uType");
        if (string.IsNullOrWhiteSpace(uid)) problems.Add("uid", "is required: the uid or pid /jsapi/init returned");
        if (uType is not (null or "p" or "c") || TrackingRequest.IsNotText(body, "uType")) problems.Add("uType", "must be 'p' (init returned pid) or 'c' (init returned uid)");
        if (problems.Any) return TrackingOutput.Refused(TrackingRequest.Invalid(req, problems));

        var kind = await ids.FindAsync(TrackingRequest.Text(body, "appkey")!, uid!, cancellationToken);
        if (kind is not (TrackingIdKind.Uid or TrackingIdKind.Pid))
            return TrackingOutput.Refused(TrackingRequest.Error(req, 404, "uid was not issued by /jsapi/init for this appkey",
                FieldProblems.Of("uid", "unknown").All));
        var issuedAs = kind == TrackingIdKind.Uid ? "c" : "p";
        if (uType is not null && uType != issuedAs)
            return TrackingOutput.Refused(TrackingRequest.Invalid(req, FieldProblems.Of("uType", $"must be '{issuedAs}' for this uid")));

        return TrackingRequest.Accept(TrackingRequest.Ok(req, ActionAccepted.Instance, TrackingJson.Default.ActionAccepted), TrackingEvents.WebSend, TrackingRequest.VisitorSubject(uid!),
            SendData.With(data!.Value, ("uid", uid!), ("uType", issuedAs),
                (TrackingRequest.AppKeyField, TrackingRequest.Text(body, "appkey")!)), clock);
    }
}
