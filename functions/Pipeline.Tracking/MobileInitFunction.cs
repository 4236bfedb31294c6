using Microsoft.Extensions.Options;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Tracking;

/// <summary><c>POST /api/mobileapi/init</c>: opens a mobile tracking session; answers <c>{"status":"ok","mobileId":…}</c>.</summary>
public sealed class MobileInitFunction(TrackingIds ids, IOptions<TrackingOptions> options, TimeProvider clock) : IFunction
{
    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("TrackingMobileInit", "mobileapi/init", ["post"], AuthLevel.Anonymous, TrackingRequest.Events);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var (body, error) = TrackingRequest.Read(invocation.Request!, options.Value);
        if (error is not null) return InvocationResult.Http(error);

        var appKey = TrackingRequest.Text(body, "appkey")!;
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var email = TrackingRequest.Email(body, "userEmail", errors);
        if (errors.Count > 0) return InvocationResult.Http(TrackingRequest.Invalid(errors));
        var phone = TrackingRequest.Text(body, "userPhone");
        var identified = !string.IsNullOrWhiteSpace(email) || !string.IsNullOrWhiteSpace(phone);
        var id = await ids.IssueAsync(appKey, TrackingIdKind.MobileId, email, phone, cancellationToken);

        return TrackingRequest.Accept(
            TrackingRequest.Json(RequestBodies.Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("status", "ok");
                w.WriteString("mobileId", id);
                w.WriteEndObject();
            })),
            TrackingEvents.MobileInit, TrackingRequest.VisitorSubject(id),
            SendData.With(WebInitFunction.Session("mobileId", id, identified, email, phone, body), (TrackingRequest.AppKeyField, appKey)), clock);
    }
}
