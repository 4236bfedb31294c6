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
        var problems = new FieldProblems();
        var email = TrackingRequest.Email(body, "email", problems);
        var phone = TrackingRequest.Phone(body, "phone", problems);
        if (problems.Any) return TrackingOutput.Refused(TrackingRequest.Invalid(req, problems));
        var identified = !string.IsNullOrWhiteSpace(email) || !string.IsNullOrWhiteSpace(phone);
        var kind = identified ? TrackingIdKind.Uid : TrackingIdKind.Pid;
        var id = await ids.IssueAsync(appKey, kind, email, phone, cancellationToken);

        return TrackingRequest.Accept(
            TrackingRequest.Ok(req, WebSessionOpened.Issued(kind, id), TrackingJson.Default.WebSessionOpened),
            TrackingEvents.WebInit, TrackingRequest.VisitorSubject(id),
            SendData.With(Session(kind, id, identified, email, phone, body), (TrackingRequest.AppKeyField, appKey)), clock);
    }

    /// <summary>The init event's data, shared by web and mobile init.</summary>
    public static JsonElement Session(TrackingIdKind kind, string id, bool identified, string? email, string? phone, JsonElement body)
    {
        JsonElement? Extra(string name) => body.TryGetProperty(name, out var value) ? value : null;
        var session = new SessionOpened(
            kind == TrackingIdKind.Uid ? id : null, kind == TrackingIdKind.Pid ? id : null, kind == TrackingIdKind.MobileId ? id : null,
            identified, string.IsNullOrWhiteSpace(email) ? null : email.Trim(), string.IsNullOrWhiteSpace(phone) ? null : phone.Trim(),
            Extra("technicalInfo"), Extra("pushNotificationToken"));
        // Written as every message is (text kept as UTF-8), so the data reads the same before and after its queue.
        using var document = JsonDocument.Parse(RequestBodies.Json(session, TrackingJson.Default.SessionOpened));
        return document.RootElement.Clone();
    }
}

/// <summary>
/// An init event's data: the id issued, under the name the answer gave it; whether the person said who they are, and
/// how; and the app's own extras as it sent them.
/// </summary>
public sealed record SessionOpened(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Uid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Pid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MobileId,
    bool Identified,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Email,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Phone,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? TechnicalInfo,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? PushNotificationToken);
