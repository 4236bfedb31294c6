using Pipeline.Functions.Delivery.Http;
using Pipeline.Functions.Tracking;

namespace Pipeline.Functions.IAdvize;

/// <summary>
/// Upserts one identified tracking visitor as an iAdvize visitor (the REST API's visitor resource): with the iAdvize id already known,
/// <c>PUT /visitor/{id}</c>; otherwise <c>GET /visitor?filters[external_id]=&lt;our id&gt;</c>, then <c>PUT</c> the one
/// found or <c>POST /visitor</c>. <c>external_id</c> is our tracking id (<c>uid</c> or <c>mobileId</c>); email and phone
/// go with it. The iAdvize <c>id</c> and <c>unique_id</c> are kept (<see cref="IAdvizeVisitors"/>).
/// </summary>
public sealed class VisitorSync(IAdvizeClient iadvize, IAdvizeVisitors visitors)
{
    public async Task<DeliveryOutcome> UpsertAsync(VisitorSessionStarted session, CancellationToken cancellationToken)
    {
        if (session.VisitorId is not { } visitorId) return new DeliveryOutcome.Skipped("the init names no visitor id");
        var (email, phone) = (session.Email, session.Phone);
        var fields = new List<KeyValuePair<string, string>> { new("external_id", visitorId) };
        if (email is not null) fields.Add(new("email", email));
        if (phone is not null) fields.Add(new("phone", phone));

        var known = await visitors.FindAsync(visitorId, cancellationToken);
        if (known?.IAdvizeId is { } knownId)
        {
            var update = await iadvize.SendAsync(HttpMethod.Put, $"visitor/{knownId}", fields, cancellationToken);
            if (update.MetaStatus == "fail" && update.Message?.Contains("Unknown", StringComparison.OrdinalIgnoreCase) == true)
            {
                await visitors.UnlinkAsync(visitorId, cancellationToken); // deleted on iAdvize's side: look it up again
            }
            else
            {
                update.EnsureSuccess("PUT /visitor/{id}");
                await visitors.LinkAsync(visitorId, email, knownId, UniqueIdOf(update.Data) ?? known.UniqueId, cancellationToken);
                return new DeliveryOutcome.Delivered(update.Status, $"visitor {Short(visitorId)}: updated iAdvize visitor {knownId}");
            }
        }

        var lookupCall = IAdvizeClient.LookupCall("external_id");
        var lookup = await iadvize.LookUpVisitorAsync("external_id", visitorId, cancellationToken);
        if (lookup.FirstVisitor(lookupCall) is { } existing)
        {
            // A found visitor without its id is not "none found": creating it then would make it twice.
            var foundId = IdOf(existing) ?? throw new RefusedDeliveryException(lookup.Status,
                $"{lookupCall}: iAdvize answered a visitor without its id ({AnswerBodies.Clip(existing.GetRawText())})");
            var update = (await iadvize.SendAsync(HttpMethod.Put, $"visitor/{foundId}", fields, cancellationToken)).EnsureSuccess("PUT /visitor/{id}");
            await visitors.LinkAsync(visitorId, email, foundId, UniqueIdOf(update.Data) ?? UniqueIdOf(existing), cancellationToken);
            return new DeliveryOutcome.Delivered(update.Status, $"visitor {Short(visitorId)}: found and updated iAdvize visitor {foundId}");
        }

        var created = (await iadvize.SendAsync(HttpMethod.Post, "visitor", fields, cancellationToken)).EnsureSuccess("POST /visitor");
        // Refused, not retried: the visitor was most likely created, and creating it again would make it twice (see
        // IAdvizeAnswer.EnsureSuccess); a replay looks it up by external_id first.
        if (IdOf(created.Data) is not { } createdId)
            throw new RefusedDeliveryException(created.Status,
                $"POST /visitor: iAdvize answered {created.Status} success without the visitor's id ({AnswerBodies.Shape(created.Body)})");
        await visitors.LinkAsync(visitorId, email, createdId, UniqueIdOf(created.Data), cancellationToken);
        return new DeliveryOutcome.Delivered(created.Status, $"visitor {Short(visitorId)}: created iAdvize visitor {createdId}");
    }

    private static long? IdOf(JsonElement visitor) =>
        visitor.ValueKind == JsonValueKind.Object && visitor.TryGetProperty("id", out var id)
            ? id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var n) ? n
            : id.ValueKind == JsonValueKind.String && long.TryParse(id.GetString(), out var s) ? s : null
            : null;

    public static string? UniqueIdOf(JsonElement visitor) => Text(visitor, "unique_id");

    public static string? Text(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
        && value.GetString() is { Length: > 0 } text ? text : null;

    private static string Short(string id) => id.Length > 12 ? id[..12] + "…" : id;
}
