using Microsoft.Extensions.Options;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Tracking;

/// <summary><c>POST /api/mobileapi/send</c>: one mobile screen-view action for a <c>mid</c> from mobile init. Answers <c>{}</c>.</summary>
public sealed class MobileSendFunction(TrackingIds ids, IOptions<TrackingOptions> options, TimeProvider clock) : IFunction
{
    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("TrackingMobileSend", "mobileapi/send", ["post"], AuthLevel.Anonymous, TrackingRequest.Events);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var (body, error) = TrackingRequest.Read(invocation.Request!, options.Value);
        if (error is not null) return InvocationResult.Http(error);

        var (data, errors) = TrackingAction.Validate(body);
        var (mid, unknown) = await MobileSession.CheckAsync(ids, body, errors, cancellationToken);
        if (MobileSession.Refusal(errors, unknown) is { } refusal) return InvocationResult.Http(refusal);

        return TrackingRequest.Accept(TrackingRequest.Json("{}"), TrackingEvents.MobileSend, TrackingRequest.VisitorSubject(mid!),
            SendData.With(data!.Value, ("mid", mid!), (TrackingRequest.AppKeyField, TrackingRequest.Text(body, "appkey")!)), clock);
    }
}
