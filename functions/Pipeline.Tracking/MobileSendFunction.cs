namespace Pipeline.Functions.Tracking;

/// <summary><c>POST /api/mobileapi/send</c>: one mobile screen-view action for a <c>mid</c> from mobile init. Answers <c>{}</c>.</summary>
public sealed class MobileSendFunction(TrackingIds ids, IOptions<TrackingOptions> options, TimeProvider clock)
{
    [Function("TrackingMobileSend")]
    public async Task<TrackingOutput> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "mobileapi/send")] HttpRequestData req,
        CancellationToken cancellationToken)
    {
        var (body, error) = TrackingRequest.Read(req, options.Value);
        if (error is not null) return TrackingOutput.Refused(error);

        var (data, problems) = TrackingAction.Validate(body);
        var (mid, unknown) = await MobileSession.CheckAsync(req, ids, body, problems, cancellationToken);
        if (MobileSession.Refusal(req, problems, unknown) is { } refusal) return TrackingOutput.Refused(refusal);

        return TrackingRequest.Accept(TrackingRequest.Ok(req, ActionAccepted.Instance, TrackingJson.Default.ActionAccepted), TrackingEvents.MobileSend, TrackingRequest.VisitorSubject(mid!),
            SendData.With(data!.Value, ("mid", mid!), (TrackingRequest.AppKeyField, TrackingRequest.Text(body, "appkey")!)), clock);
    }
}
