namespace Pipeline.Functions.GhostMonitor;

/// <summary>
/// <c>POST /api/push/{segment}</c>: the Intercom service's 18 push endpoints. Validates the body against the
/// segment's Definitions table and puts the typed event on <c>events</c>. Answers in the seed's
/// <c>{"code","message"}</c> shape.
/// </summary>
public sealed class PushSegmentFunction(TimeProvider clock)
{
    public const int MaxBodyBytes = 64 * 1024;
    public const string Source = "intercom-service";
    /// <summary>Every accepted push gets the same answer: written once, not per request (the hot path).</summary>
    private static readonly string Accepted = RequestBodies.Json(new PushAnswer("200", "ok"), GhostMonitorJson.Default.PushAnswer);

    [Function("PushSegment")]
    public PushSegmentOutput Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "push/{segment}")] HttpRequestData req,
        string segment = "")
    {
        if (RequestBodies.ReadJsonObject(req, MaxBodyBytes, out var body) is { } refused) return Refused(req, refused.Status, refused.Message);

        var resolved = PushSegments.Resolve(segment, body.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal));
        if (resolved is null)
        {
            return new()
            {
                Response = req.CreateJsonResponse(HttpStatusCode.NotFound,
                    new PushSegmentUnknown("404", new UnknownSegment($"unknown segment '{segment}'", PushSegments.Names.ToList())),
                    GhostMonitorJson.Default.PushSegmentUnknown),
            };
        }

        var outcome = PushValidator.Validate(resolved, body);
        if (!outcome.IsValid)
        {
            return new()
            {
                Response = req.CreateJsonResponse(HttpStatusCode.BadRequest,
                    new PushFieldsRefused("400", outcome.Problems.All), GhostMonitorJson.Default.PushFieldsRefused),
            };
        }

        var data = outcome.Data!.Value;
        var siteId = data.GetProperty(PushSegments.SiteId).GetString()!;
        var envelope = EventEnvelope.Create(resolved.EventType, Source, Subjects.Site(siteId), data, clock);
        return new PushSegmentOutput
        {
            Response = req.CreateJsonResponse(HttpStatusCode.OK, Accepted),
            Event = envelope.ToJson(),
        };
    }

    private static PushSegmentOutput Refused(HttpRequestData req, HttpStatusCode status, string message) => new()
    {
        Response = req.CreateJsonResponse(status, new PushAnswer(((int)status).ToString(CultureInfo.InvariantCulture), message),
            GhostMonitorJson.Default.PushAnswer),
    };
}

/// <summary>The answer, and the accepted push's event for the <c>events</c> queue (none when refused).</summary>
public sealed class PushSegmentOutput
{
    [HttpResult]
    public required HttpResponseData Response { get; init; }

    [ServiceBusOutput(QueueNames.Events)]
    public JsonElement? Event { get; init; }
}
