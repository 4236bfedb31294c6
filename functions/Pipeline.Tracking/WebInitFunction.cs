using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.Tracking;

/// <summary>
/// <c>POST /api/jsapi/init</c>: opens a web tracking session. An identified person (email or phone given) gets
/// <c>{"status":"ok","uid":…}</c>, anyone else <c>{"status":"ok","pid":…}</c>.
/// </summary>
public sealed class WebInitFunction(TrackingIds ids, IOptions<TrackingOptions> options, TimeProvider clock)
{
    [Function("TrackingWebInit")]
    public async Task<TrackingOutput> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "jsapi/init")] HttpRequestData req,
        CancellationToken cancellationToken)
    {
        var (body, error) = TrackingRequest.Read(req, options.Value);
        if (error is not null) return TrackingOutput.Refused(error);

        var appKey = TrackingRequest.Text(body, "appkey")!;
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var email = TrackingRequest.Email(body, "email", errors);
        if (errors.Count > 0) return TrackingOutput.Refused(TrackingRequest.Invalid(req, errors));
        var phone = TrackingRequest.Text(body, "phone");
        var identified = !string.IsNullOrWhiteSpace(email) || !string.IsNullOrWhiteSpace(phone);
        var kind = identified ? TrackingIdKind.Uid : TrackingIdKind.Pid;
        var id = await ids.IssueAsync(appKey, kind, email, phone, cancellationToken);
        var key = identified ? "uid" : "pid";

        return TrackingRequest.Accept(
            TrackingRequest.Ok(req, WebSessionOpened.Issued(kind, id), TrackingJson.Default.WebSessionOpened),
            TrackingEvents.WebInit, TrackingRequest.VisitorSubject(id),
            SendData.With(Session(key, id, identified, email, phone, body), (TrackingRequest.AppKeyField, appKey)), clock);
    }

    /// <summary>The init event's data, shared by web and mobile init.</summary>
    public static JsonElement Session(string idKey, string id, bool identified, string? email, string? phone, JsonElement body)
    {
        using var document = JsonDocument.Parse(RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString(idKey, id);
            w.WriteBoolean("identified", identified);
            if (!string.IsNullOrWhiteSpace(email)) w.WriteString("email", email.Trim());
            if (!string.IsNullOrWhiteSpace(phone)) w.WriteString("phone", phone.Trim());
            foreach (var extra in new[] { "technicalInfo", "pushNotificationToken" })
            {
                if (!body.TryGetProperty(extra, out var value)) continue;
                w.WritePropertyName(extra);
                value.WriteTo(w);
            }
            w.WriteEndObject();
        }));
        return document.RootElement.Clone();
    }
}
