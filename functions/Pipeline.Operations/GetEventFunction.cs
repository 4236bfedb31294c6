namespace Pipeline.Functions.Operations;

/// <summary><c>GET /api/ops/events/{id}</c>: the stored envelope and every destination's delivery of it, attempts included.</summary>
[CheckCaller<AdminApiKey>]
public sealed class GetEventFunction(EventLog eventLog, DeliveryRecords deliveries)
{
    [Function("GetEvent")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = AdminRoutes.Prefix + "/events/{id}")] HttpRequestData request,
        string id,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var eventId))
            return AdminHttp.BadRequest(request, "id", "must be an event id (a GUID)");

        var envelopeTask = eventLog.FindAsync(eventId, cancellationToken);
        var records = await deliveries.OfEventAsync(eventId, cancellationToken);
        var envelope = await envelopeTask;
        if (envelope is null && records.Count == 0) return AdminHttp.Problem(request, 404, "id", $"no event {eventId} is stored");
        return AdminHttp.Ok(request, new EventDetail(eventId, envelope?.ToJson(), envelope is not null,
            records.Select(r => DeliveryJson.Record(r.Record, r.Attempts)).ToList()), OperationsJson.Default.EventDetail);
    }
}
