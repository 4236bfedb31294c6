namespace Pipeline.Functions.Tracking;

/// <summary>What a tracking endpoint gives back: the answer, and the accepted action's event for <c>events</c> (none when refused).</summary>
public sealed class TrackingOutput
{
    [HttpResult]
    public required HttpResponseData Response { get; init; }

    [ServiceBusOutput(QueueNames.Events)]
    public JsonElement? Event { get; init; }

    public static TrackingOutput Refused(HttpResponseData response) => new() { Response = response };
}
