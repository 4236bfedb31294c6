using System.Text.Json;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.GhostMonitor;

/// <summary>
/// <c>POST /api/push/{segment}</c>: the Intercom service's 18 push endpoints. Validates the body against the
/// segment's Definitions table and puts the typed event on <c>events</c>. Answers in the seed's
/// <c>{"code","message"}</c> shape.
/// </summary>
public sealed class PushSegmentFunction(TimeProvider clock) : IFunction
{
    public const int MaxBodyBytes = 64 * 1024;
    public const string Source = "intercom-service";
    public static readonly QueueOutput Events = new("events", QueueNames.Events);

    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("PushSegment", "push/{segment}", ["post"], AuthLevel.Function, Events);

    public Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var request = invocation.Request!;
        var path = request.RouteParams.GetValueOrDefault("segment") ?? "";

        switch (RequestBodies.TryReadJsonObject(request, MaxBodyBytes, out var body, out var reason))
        {
            case RequestBodies.Problem.TooLarge:
                return Answer(413, w => w.WriteString("message", $"body is larger than {MaxBodyBytes / 1024} KiB"));
            case RequestBodies.Problem.Empty:
                return Answer(400, w => w.WriteString("message", "body is empty; send a JSON object"));
            case RequestBodies.Problem.Malformed:
                return Answer(400, w => w.WriteString("message", $"body is not valid JSON: {reason}"));
            case RequestBodies.Problem.NotAnObject:
                return Answer(400, w => w.WriteString("message", "body must be a JSON object"));
        }

        var segment = PushSegments.Resolve(path, body.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal));
        if (segment is null)
        {
            return Answer(404, w =>
            {
                w.WriteStartObject("message");
                w.WriteString("segment", $"unknown segment '{path}'");
                w.WriteStartArray("valid");
                foreach (var name in PushSegments.Names) w.WriteStringValue(name);
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }

        var outcome = PushValidator.Validate(segment, body);
        if (!outcome.IsValid)
        {
            return Answer(400, w =>
            {
                w.WriteStartObject("message");
                foreach (var (field, problem) in outcome.Errors) w.WriteString(field, problem);
                w.WriteEndObject();
            });
        }

        var data = outcome.Data!.Value;
        var siteId = data.GetProperty(PushSegments.SiteId).GetString()!;
        var envelope = EventEnvelope.Create(segment.EventType, Source, Subjects.Site(siteId), data, clock);
        var result = Ok();
        result.Send(Events, envelope.ToJson());
        return Task.FromResult(result);
    }

    private static InvocationResult Ok() =>
        InvocationResult.Http(new InvocationResponse(200, """{"code":"200","message":"ok"}"""));

    private static Task<InvocationResult> Answer(int status, Action<Utf8JsonWriter> writeMessage) =>
        Task.FromResult(InvocationResult.Http(new InvocationResponse(status, RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("code", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writeMessage(w);
            w.WriteEndObject();
        }))));
}
