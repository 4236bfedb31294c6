using Microsoft.Extensions.Options;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Tracking;

/// <summary>
/// <c>POST /api/jsapi/send</c>: one web tracking action for a <c>uid</c> (or <c>pid</c>, also sent as <c>uid</c>)
/// issued by <c>/jsapi/init</c>. Answers <c>{}</c>.
/// </summary>
public sealed class WebSendFunction(TrackingIds ids, IOptions<TrackingOptions> options, TimeProvider clock) : IFunction
{
    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("TrackingWebSend", "jsapi/send", ["post"], AuthLevel.Anonymous, TrackingRequest.Events);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var (body, error) = TrackingRequest.Read(invocation.Request!, options.Value);
        if (error is not null) return InvocationResult.Http(error);

        var (data, errors) = TrackingAction.Validate(body);
        var uid = TrackingRequest.Text(body, "uid");
        var uType = TrackingRequest.Text(body, "uType");
        if (string.IsNullOrWhiteSpace(uid)) errors["uid"] = "is required: the uid or pid /jsapi/init returned";
        if (uType is not (null or "p" or "c")) errors["uType"] = "must be 'p' (init returned pid) or 'c' (init returned uid)";
        if (errors.Count > 0) return InvocationResult.Http(TrackingRequest.Invalid(errors));

        var kind = await ids.FindAsync(TrackingRequest.Text(body, "appkey")!, uid!, cancellationToken);
        if (kind is not (TrackingIdKind.Uid or TrackingIdKind.Pid))
            return InvocationResult.Http(TrackingRequest.Error(404, "uid was not issued by /jsapi/init for this appkey",
                new() { ["uid"] = "unknown" }));
        var issuedAs = kind == TrackingIdKind.Uid ? "c" : "p";
        if (uType is not null && uType != issuedAs)
            return InvocationResult.Http(TrackingRequest.Invalid(new() { ["uType"] = $"must be '{issuedAs}' for this uid" }));

        return TrackingRequest.Accept(TrackingRequest.Json("{}"), TrackingEvents.WebSend, TrackingRequest.VisitorSubject(uid!),
            SendData.With(data!.Value, ("uid", uid!), ("uType", issuedAs),
                (TrackingRequest.AppKeyField, TrackingRequest.Text(body, "appkey")!)), clock);
    }
}
