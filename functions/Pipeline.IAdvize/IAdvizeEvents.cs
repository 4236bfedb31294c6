namespace Pipeline.Functions.IAdvize;

/// <summary>
/// The event types this module produces: <c>iadvize.</c> + the webhook's <c>eventType</c>. The digest's events are
/// named here; an eventType iAdvize adds later is stored the same way (<see cref="TypeOf"/>).
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

    public static bool IsIAdvize(string type) => type.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The iAdvize events that become data events on the visitor's Intercom contact.</summary>
    public static bool GoesToIntercom(string type) => type is ConversationClosed or SatisfactionFilled;
}
