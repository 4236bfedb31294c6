namespace Pipeline.Functions.Intercom;

/// <summary>The bodies the pipeline sends to Intercom's REST API, written by <see cref="IntercomRequestJson"/> (snake_case).</summary>
public sealed record CompanyRequest(string CompanyId, IReadOnlyDictionary<string, JsonElement> CustomAttributes);

/// <summary><c>POST /contacts</c>: a user contact, with a name when the push gave one.</summary>
public sealed record ContactRequest(string Email, string? Name = null)
{
    public string Role => "user";
}

/// <summary><c>PUT /contacts/{id}</c> renaming the contact.</summary>
public sealed record ContactNameRequest(string Name);

/// <summary><c>POST /contacts/{id}/companies</c>: attaches the contact to a company.</summary>
public sealed record CompanyAttachRequest(string Id);

/// <summary><c>POST /contacts/search</c> for the contacts with an email.</summary>
public sealed record ContactSearchRequest(ContactSearchQuery Query)
{
    public static ContactSearchRequest ByEmail(string email) => new(new ContactSearchQuery("email", "=", email));
}

public sealed record ContactSearchQuery(string Field, string Operator, string Value);

/// <summary><c>POST /events</c>: a data event on a contact; <see cref="Id"/> is the contact's Intercom id.</summary>
public sealed record DataEventRequest(string EventName, long CreatedAt, string Id, IReadOnlyDictionary<string, JsonElement> Metadata);

/// <summary><c>POST /data_attributes</c>: a company attribute the mapping writes.</summary>
public sealed record DataAttributeRequest(string Name, string DataType)
{
    public string Model => "company";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CompanyRequest))]
[JsonSerializable(typeof(ContactRequest))]
[JsonSerializable(typeof(ContactNameRequest))]
[JsonSerializable(typeof(CompanyAttachRequest))]
[JsonSerializable(typeof(ContactSearchRequest))]
[JsonSerializable(typeof(DataEventRequest))]
[JsonSerializable(typeof(DataAttributeRequest))]
internal sealed partial class IntercomRequestJson : JsonSerializerContext
{
    public static string Write<T>(T body) where T : class =>
        JsonSerializer.Serialize(body, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)Default.GetTypeInfo(typeof(T))!);
}
