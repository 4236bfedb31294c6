using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;

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

    [Function("PushSegment")]
    public PushSegmentOutput Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "push/{segment}")] HttpRequestData req,
        string segment = "")
    {
        switch (RequestBodies.TryReadJsonObject(req, MaxBodyBytes, out var body, out var reason))
        {
            case RequestBodies.Problem.TooLarge:
                return Answer(req, 413, w => w.WriteString("message", $"body is larger than {MaxBodyBytes / 1024} KiB"));
            case RequestBodies.Problem.Empty:
                return Answer(req, 400, w => w.WriteString("message", "body is empty; send a JSON object"));
            case RequestBodies.Problem.Malformed:
                return Answer(req, 400, w => w.WriteString("message", $"body is not valid JSON: {reason}"));
            case RequestBodies.Problem.NotAnObject:
                return Answer(req, 400, w => w.WriteString("message", "body must be a JSON object"));
        }

        var resolved = PushSegments.Resolve(segment, body.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal));
        if (resolved is null)
        {
            return Answer(req, 404, w =>
            {
                w.WriteStartObject("message");
                w.WriteString("segment", $"unknown segment '{segment}'");
                w.WriteStartArray("valid");
                foreach (var name in PushSegments.Names) w.WriteStringValue(name);
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }

        var outcome = PushValidator.Validate(resolved, body);
        if (!outcome.IsValid)
        {
            return Answer(req, 400, w =>
            {
                w.WriteStartObject("message");
                foreach (var (field, problem) in outcome.Errors) w.WriteString(field, problem);
                w.WriteEndObject();
            });
        }

        var data = outcome.Data!.Value;
        var siteId = data.GetProperty(PushSegments.SiteId).GetString()!;
        var envelope = EventEnvelope.Create(resolved.EventType, Source, Subjects.Site(siteId), data, clock);
        return new PushSegmentOutput
        {
            Response = req.CreateJsonResponse(HttpStatusCode.OK, """{"code":"200","message":"ok"}"""),
            Event = envelope.ToJson(),
        };
    }

    private static PushSegmentOutput Answer(HttpRequestData req, int status, Action<Utf8JsonWriter> writeMessage) => new()
    {
        Response = req.CreateJsonResponse((HttpStatusCode)status, RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("code", status.ToString(CultureInfo.InvariantCulture));
            writeMessage(w);
            w.WriteEndObject();
        })),
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
