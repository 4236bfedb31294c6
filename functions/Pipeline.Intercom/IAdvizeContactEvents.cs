using System.Text.Json;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.IAdvize;

namespace Pipeline.Functions.Intercom;

/// <summary>
/// <c>conversation.closed</c> and <c>satisfaction.filled</c> as Intercom data events on the visitor's contact:
/// <c>iadvize-conversation-closed</c> (conversation, channel, operator, website) and <c>iadvize-satisfaction-filled</c>
/// (score, conversation). The webhook names the visitor by iAdvize <c>unique_id</c>; the pipeline knows it when it
/// upserted that visitor (<see cref="IAdvizeVisitors"/>), or, with an API key, when <c>GET /visitor?filters[unique_id]=…</c>
/// gives an external id or an email the pipeline knows. The contact is found by that visitor's email.
/// </summary>
public sealed class IAdvizeContactEvents(IAdvizeVisitors visitors, IAdvizeClient iadvize, IOptions<IAdvizeOptions> options)
    : IIntercomContactEventSource
{
    public const string ConversationClosedEvent = "iadvize-conversation-closed";
    public const string SatisfactionFilledEvent = "iadvize-satisfaction-filled";

    public bool Applies(EventEnvelope envelope) => IAdvizeEvents.GoesToIntercom(envelope.Type);

    public async Task<ContactEventPlan> PlanAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        var data = envelope.Data;
        if (IdText(data, "visitorId") is not { } uniqueId) return ContactEventPlan.Skip($"{envelope.Type} names no visitorId");
        var email = await EmailOfAsync(uniqueId, cancellationToken);
        if (email is null)
            return ContactEventPlan.Skip($"iAdvize visitor {uniqueId} is not a visitor the pipeline knows by email");

        var createdAt = data.TryGetProperty("createdAt", out var c) && c.ValueKind == JsonValueKind.String
                        && DateTimeOffset.TryParse(c.GetString(), System.Globalization.CultureInfo.InvariantCulture,
                            System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : envelope.ReceivedAt;
        var metadata = new List<KeyValuePair<string, JsonElement>>();
        void Add(string key, string field)
        {
            if (data.TryGetProperty(field, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                metadata.Add(new(key, value.Clone()));
        }
        string name;
        if (envelope.Type == IAdvizeEvents.ConversationClosed)
        {
            name = ConversationClosedEvent;
            Add("conversation_id", "conversationId");
            Add("channel", "channel");
            Add("operator_id", "operatorId");
            Add("website_id", "websiteId");
        }
        else
        {
            name = SatisfactionFilledEvent;
            Add("score", "score");
            Add("conversation_id", "conversationId");
        }
        return new ContactEventPlan(new ContactEvent(email, name, createdAt, metadata), null);
    }

    private async Task<string?> EmailOfAsync(string uniqueId, CancellationToken cancellationToken)
    {
        if (await visitors.VisitorOfUniqueIdAsync(uniqueId, cancellationToken) is { } ours
            && (await visitors.FindAsync(ours, cancellationToken))?.Email is { } linked)
            return linked;
        if (!options.Value.IsConfigured) return null;

        var answer = await iadvize.LookUpVisitorAsync("unique_id", uniqueId, cancellationToken);
        // iAdvize refusing the lookup for good (meta.status fail, a 4xx) makes the visitor as unknown as one it does
        // not find. An unreadable success says nothing of the visitor, so FirstVisitor refuses it with the reason.
        if (answer.IsRefusal) return null;
        if (answer.FirstVisitor(IAdvizeClient.LookupCall("unique_id")) is not { } found) return null;
        if (VisitorSync.Text(found, "external_id") is { } externalId && (await visitors.FindAsync(externalId, cancellationToken))?.Email is { } known)
            return known;
        return VisitorSync.Text(found, "email") is { } email && (await visitors.VisitorsOfEmailAsync(email, cancellationToken)).Count > 0
            ? email
            : null;
    }

    private static string? IdText(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String when value.GetString() is { Length: > 0 } s => s,
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
