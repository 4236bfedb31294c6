namespace Pipeline.Functions.IAdvize;

/// <summary>
/// The event types this module produces: <c>iadvize.</c> + the webhook's <c>eventType</c>. The digest's events are
/// named here; an eventType iAdvize adds later is stored the same way (<see cref="TypeOf"/>). The records other
/// modules read follow.
/// </summary>
public static class IAdvizeEvents
{
    public const string Prefix = "iadvize.";
    public const string Source = "iadvize-webhook";

    public const string ConversationStarted = Prefix + "conversation.started";
    public const string ConversationClosed = Prefix + "conversation.closed";
    public const string VisitorUpdated = Prefix + "visitor.updated";
    public const string UserCreated = Prefix + "user.created";
    public const string UserUpdated = Prefix + "user.updated";
    public const string UserConnected = Prefix + "user.connected";
    public const string UserDisconnected = Prefix + "user.disconnected";
    public const string SatisfactionFilled = Prefix + "satisfaction.filled";
    public const string ConnectorInstalled = Prefix + "connector.installed";
    public const string ConnectorUninstalled = Prefix + "connector.uninstalled";

    public static readonly string[] Known =
    [
        ConversationStarted, ConversationClosed, VisitorUpdated, UserCreated, UserUpdated, UserConnected, UserDisconnected,
        SatisfactionFilled, ConnectorInstalled, ConnectorUninstalled,
    ];

    public static string TypeOf(string eventType) => Prefix + eventType;

}

/// <summary><c>iadvize.conversation.closed</c>: a conversation ended, as the webhook said it.</summary>
public sealed record ConversationClosed(string? VisitorId, string? ConversationId, string? Channel, string? OperatorId,
    string? WebsiteId, DateTimeOffset? CreatedAt) : IRecordedEvent<ConversationClosed>
{
    public static IReadOnlyList<string> EventTypes { get; } = [IAdvizeEvents.ConversationClosed];

    public static ConversationClosed Read(EventEnvelope envelope)
    {
        var data = envelope.Data;
        return new(EventData.Id(data, "visitorId"), EventData.Id(data, "conversationId"), EventData.Id(data, "channel"),
            EventData.Id(data, "operatorId"), EventData.Id(data, "websiteId"), EventData.Instant(data, "createdAt"));
    }
}

/// <summary><c>iadvize.satisfaction.filled</c>: a visitor's satisfaction score for a conversation.</summary>
public sealed record SatisfactionFilled(string? VisitorId, string? ConversationId, string? WebsiteId, double? Score,
    DateTimeOffset? CreatedAt) : IRecordedEvent<SatisfactionFilled>
{
    public static IReadOnlyList<string> EventTypes { get; } = [IAdvizeEvents.SatisfactionFilled];

    public static SatisfactionFilled Read(EventEnvelope envelope)
    {
        var data = envelope.Data;
        return new(EventData.Id(data, "visitorId"), EventData.Id(data, "conversationId"), EventData.Id(data, "websiteId"),
            EventData.Number(data, "score"), EventData.Instant(data, "createdAt"));
    }
}
