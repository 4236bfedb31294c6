using System.Text.Json.Nodes;

namespace Pipeline.Functions.IAdvize;

/// <summary>
/// Subjects of iAdvize events: the visitor (<c>iadvize-visitor:&lt;visitorId&gt;</c>, the visitor's iAdvize unique id)
/// when the event names one, else the user (agent, <c>iadvize-user:&lt;userId&gt;</c>), else the website
/// (<c>iadvize-website:&lt;websiteId&gt;</c>), else the client; so one visitor's conversations and ratings share a partition.
/// </summary>
public static class IAdvizeSubjects
{
    public const string Unattributed = "iadvize";

    public static string Visitor(string visitorId) => "iadvize-visitor:" + visitorId;
    public static string User(string userId) => "iadvize-user:" + userId;
    public static string Website(string websiteId) => "iadvize-website:" + websiteId;
    public static string Client(string clientId) => "iadvize-client:" + clientId;

    /// <summary>The fields that may name the subject, in order of preference.</summary>
    public static readonly (string Field, Func<string, string> Subject)[] Fields =
    [
        ("visitorId", Visitor), ("userId", User), ("websiteId", Website), ("clientId", Client),
    ];

    public static string Of(JsonObject payload)
    {
        foreach (var (field, subject) in Fields)
        {
            if (Text(payload[field]) is { Length: > 0 } id) return subject(id);
        }
        return Unattributed;
    }

    /// <summary>A string or number as text; anything else is no id.</summary>
    public static string? Text(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<string>(out var s) ? s : value.GetValueKind() == System.Text.Json.JsonValueKind.Number ? value.ToJsonString() : null
        : null;
}
