using System.Text.Json.Nodes;
using Pipeline.Functions.Delivery;
using Pipeline.Functions.Hosting;
using Pipeline.Functions.Storage;

namespace Pipeline.Functions.Operations;

/// <summary><c>GET /api/ops/events/{id}</c>: the stored envelope and every destination's delivery of it, attempts included.</summary>
public sealed class GetEventFunction(AdminApiKey adminKey, EventLog eventLog, DeliveryRecords deliveries) : IFunction
{
    public FunctionDefinition Definition { get; } = AdminRoutes.Get("GetEvent", "events/{id}");

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var request = invocation.Request!;
        if (adminKey.Check(request) is { } denied) return InvocationResult.Http(denied);
        if (!Guid.TryParse(request.RouteParams.GetValueOrDefault("id"), out var id))
            return AdminHttp.BadRequest("id", "must be an event id (a GUID)");

        var envelopeTask = eventLog.FindAsync(id, cancellationToken);
        var records = await deliveries.OfEventAsync(id, cancellationToken);
        var envelope = await envelopeTask;
        if (envelope is null && records.Count == 0) return AdminHttp.Problem(404, "id", $"no event {id} is stored");
        return AdminHttp.Ok(new JsonObject
        {
            ["event_id"] = id.ToString(),
            ["envelope"] = envelope is null ? null : JsonNode.Parse(envelope.ToJson().GetRawText()),
            ["in_event_log"] = envelope is not null,
            ["deliveries"] = new JsonArray(records.Select(r => (JsonNode)DeliveryJson.Record(r.Record, r.Attempts)).ToArray()),
        });
    }
}
