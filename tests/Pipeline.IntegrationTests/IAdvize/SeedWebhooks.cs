namespace Pipeline.IntegrationTests.IAdvize;

/// <summary>Every webhook payload example of the iAdvize seed (seed 003's webhook section), verbatim.</summary>
public static class SeedWebhooks
{
    public static readonly Dictionary<string, string> Examples = new()
    {
        ["conversation.started"] = """
            {
                "eventId": "d36cd3c4-2d16-4a77-97c2-620bde859b29",
                "eventType": "conversation.started",
                "platform": "sd",
                "websiteId": 1,
                "clientId": 1,
                "conversationId": 1,
                "operatorId": 1,
                "channel": "chat",
                "visitorId": "593de0891b628a50b09835dc6c0e92565329c74baa90e",
                "createdAt": "2017-04-22T11:01:00+02:00",
                "sentAt": "2017-04-22T11:01:00+02:00"
            }
            """,
        ["conversation.closed"] = """
            {
                "eventId": "d36cd3c4-2d16-4a77-97c2-620bde859b29",
                "eventType": "conversation.closed",
                "platform": "sd",
                "websiteId": 1,
                "clientId": 1,
                "conversationId": 1,
                "operatorId": 1,
                "channel": "chat",
                "visitorId": "593de0891b628a50b09835dc6c0e92565329c74baa90e",
                "createdAt": "2017-04-22T11:01:00+02:00",
                "sentAt": "2017-04-22T11:01:00+02:00"
            }
            """,
        ["user.created"] = """
            {
                "eventId": "d36cd3c4-2d16-4a77-97c2-620bde859b29",
                "eventType": "user.created",
                "platform": "sd",
                "clientId": 1,
                "userId": 1,
                "createdAt": "2017-04-22T11:01:00+02:00",
                "sentAt": "2017-04-22T11:01:00+02:00"
            }
            """,
        ["user.updated"] = """
            {
                "eventId": "d36cd3c4-2d16-4a77-97c2-620bde859b29",
                "eventType": "user.updated",
                "platform": "sd",
                "clientId": 1,
                "userId": 1,
                "createdAt": "2017-04-22T11:01:00+02:00",
                "sentAt": "2017-04-22T11:01:00+02:00"
            }
            """,
        ["visitor.updated"] = """
            {
                "eventId": "d36cd3c4-2d16-4a77-97c2-620bde859b29",
                "eventType": "visitor.updated",
                "platform": "sd",
                "clientId": 1,
                "operatorId": 1,
                "visitorId": "593de0891b628a50b09835dc6c0e92565329c74baa90e",
                "createdAt": "2017-04-22T11:01:00+02:00",
                "sentAt": "2017-04-22T11:01:00+02:00"
            }
            """,
        ["satisfaction.filled"] = """
            {
                "eventId": "d36cd3c4-2d16-4a77-97c2-620bde859b29",
                "eventType": "satisfaction.filled",
                "platform": "sd",
                "websiteId": 1,
                "clientId": 1,
                "conversationId": 1,
                "operatorId": 2,
                "visitorId": "593de0891b628a50b09835dc6c0e92565329c74baa90e",
                "score": 3,
                "createdAt": "2017-04-22T11:01:00+02:00",
                "sentAt": "2017-04-22T11:01:00+02:00"
            }
            """,
        ["connector.installed"] = """
            {
                "eventId": "d36cd3c4-2d16-4a77-97c2-620bde859b29",
                "eventType": "connector.installed",
                "platform": "SD",
                "websiteId": 1,
                "connectorId": "3f0e6840-48fe-4e87-8f3b-6ef3f75f18d8",
                "connectorVersionId": "3f0e6840-48fe-4e87-8f3b-6ef3f75f18d8",
                "createdAt": "2017-04-22T11:01:00+02:00",
                "sentAt": "2017-04-22T11:01:00+02:00"
            }
            """,
        ["connector.uninstalled"] = """
            {
                "eventId": "d36cd3c4-2d16-4a77-97c2-620bde859b29",
                "eventType": "connector.uninstalled",
                "platform": "SD",
                "websiteId": 1,
                "connectorId": "3f0e6840-48fe-4e87-8f3b-6ef3f75f18d8",
                "connectorVersionId": "3f0e6840-48fe-4e87-8f3b-6ef3f75f18d8",
                "createdAt": "2017-04-22T11:01:00+02:00",
                "sentAt": "2017-04-22T11:01:00+02:00"
            }
            """,
    };

    /// <summary>The subject each example is stored under.</summary>
    public static string SubjectOf(string eventType) => eventType switch
    {
        "user.created" or "user.updated" => "iadvize-user:1",
        "connector.installed" or "connector.uninstalled" => "iadvize-website:1",
        _ => "iadvize-visitor:593de0891b628a50b09835dc6c0e92565329c74baa90e",
    };
}
