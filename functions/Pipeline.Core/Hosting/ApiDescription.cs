using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// What the function catalogue does not know about a module's HTTP functions, for the published API document: the
/// bodies each takes, every answer it gives, the credentials it needs beyond the function key, and examples. Keyed
/// by function name; the route, the methods and the auth level are read from the catalogue, never repeated here.
/// </summary>
public interface IApiDescription
{
    IReadOnlyDictionary<string, ApiFunction> Functions { get; }
}

public static class ApiDescriptionRegistration
{
    /// <summary>Adds a module's description of its HTTP functions to the API document.</summary>
    public static IServiceCollection AddApiDescription<TDescription>(this IServiceCollection services)
        where TDescription : class, IApiDescription =>
        services.AddSingleton<IApiDescription, TDescription>();
}

/// <param name="Tag">The group the function is listed under (one per API).</param>
/// <param name="ByMethod">Operations by lower-case method; <see cref="AnyMethod"/> stands for every method the
/// catalogue declares.</param>
public sealed record ApiFunction(string Tag, IReadOnlyDictionary<string, ApiOperation> ByMethod)
{
    public const string AnyMethod = "*";

    public static ApiFunction Of(string tag, ApiOperation operation) =>
        new(tag, new Dictionary<string, ApiOperation> { [AnyMethod] = operation });

    public ApiOperation? For(string method) =>
        ByMethod.GetValueOrDefault(method.ToLowerInvariant()) ?? ByMethod.GetValueOrDefault(AnyMethod);
}

public sealed record ApiOperation(string Summary)
{
    public string? Description { get; init; }

    /// <summary>Schemes the caller must satisfy (all of them), besides the function key the auth level asks for.</summary>
    public IReadOnlyList<string> Security { get; init; } = [];

    public IReadOnlyList<ApiParameter> Parameters { get; init; } = [];

    /// <summary>The request body, once per content type it is accepted in; empty: no body.</summary>
    public IReadOnlyList<ApiBody> Bodies { get; init; } = [];

    public IReadOnlyList<ApiAnswer> Answers { get; init; } = [];
}

public enum ApiParameterPlace { Query, Header, Path }

public sealed record ApiParameter(string Name, ApiParameterPlace In, JsonNode Schema, string Description)
{
    public bool Required { get; init; }

    public static ApiParameter Query(string name, string description, JsonNode? schema = null, bool required = false) =>
        new(name, ApiParameterPlace.Query, schema ?? ApiSchema.String, description) { Required = required };

    public static ApiParameter Path(string name, string description) =>
        new(name, ApiParameterPlace.Path, ApiSchema.String, description) { Required = true };
}

public sealed record ApiBody(string ContentType, JsonNode Schema)
{
    public const string Json = "application/json";
    public const string Form = "application/x-www-form-urlencoded";

    /// <summary>Named examples, each a value as the caller sends it (for a form: its fields as a JSON object).</summary>
    public IReadOnlyDictionary<string, JsonNode> Examples { get; init; } = new Dictionary<string, JsonNode>();
}

/// <param name="Schema">The body's schema; null: no body.</param>
public sealed record ApiAnswer(int Status, string Description, JsonNode? Schema, string ContentType = ApiBody.Json)
{
    /// <summary>Response headers the caller can rely on, with what each says.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, JsonNode> Examples { get; init; } = new Dictionary<string, JsonNode>();
}

/// <summary>The security schemes a description can name (defined once, in the API document).</summary>
public static class ApiSecurity
{
    public const string AdminApiKey = "adminApiKey";
    public const string ReporteiBearer = "reporteiBearer";
    public const string IAdvizeSignature = "iAdvizeSignature";
    public const string ConnectorToken = "connectorToken";
}

/// <summary>JSON Schema (2020-12, as OpenAPI 3.1 reads it) building blocks for the descriptions.</summary>
public static class ApiSchema
{
    public static JsonNode String => Parse("""{"type":"string"}""");

    public static JsonNode Parse(string schema) =>
        JsonNode.Parse(schema) ?? throw new ArgumentException("a schema cannot be null", nameof(schema));

    /// <summary>
    /// The schema of a type the app serializes with a source-generated context, derived from the same contract the
    /// serializer uses, so the document cannot disagree with the wire.
    /// </summary>
    public static JsonNode Of(JsonTypeInfo typeInfo) =>
        typeInfo.Options.GetJsonSchemaAsNode(typeInfo.Type, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            // Any JSON (a JsonElement) is the boolean schema true, which OpenAPI tooling reads poorly: {} says the same.
            TransformSchemaNode = (_, node) => node.GetValueKind() == JsonValueKind.True ? new JsonObject() : node,
        });

    /// <summary>An object with these string properties, all required, and no others.</summary>
    public static JsonNode StringsObject(params string[] required) => new JsonObject
    {
        ["type"] = "object",
        ["required"] = new JsonArray(required.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
        ["properties"] = new JsonObject(required.Select(r => KeyValuePair.Create(r, (JsonNode?)String))),
    };

    /// <summary>
    /// <c>{"code":"4xx","message":…}</c>: the host's own answers (a missing function key, a body too large, storage
    /// not answering) and the push API's, whose message is a sentence or an object of field problems.
    /// </summary>
    public static JsonNode CodeMessage => Parse("""
        {"type":"object","required":["code","message"],"properties":{
          "code":{"type":"string","pattern":"^[1-5][0-9][0-9]$"},
          "message":{"anyOf":[{"type":"string"},{"type":"object"}]}}}
        """);

    /// <summary>
    /// <c>{"error":…,"message":…}</c>: the webhooks', metrics' and admin routes' errors; the admin API's 4xx also
    /// name the <c>field</c> at fault.
    /// </summary>
    public static JsonNode ErrorMessage => Parse("""
        {"type":"object","required":["error","message"],
         "properties":{"error":{"type":"string"},"field":{"type":"string"},"message":{"type":"string"}}}
        """);

    /// <summary>
    /// The schema with every object (<c>"type":"object"</c>) that lists its properties closed to others
    /// (<c>additionalProperties: false</c>), unless it says otherwise: for answers of a fixed shape, so that a field
    /// renamed, added or lost breaks the answer check. Typed branches of <c>anyOf</c>/<c>oneOf</c> are closed each;
    /// <c>allOf</c> parts and untyped branches (a <c>required</c> alternative) are left as they are, since closing
    /// one would refuse the properties the rest of the schema adds.
    /// </summary>
    public static JsonNode Closed(JsonNode schema)
    {
        if (schema is not JsonObject node) return schema;
        if (node["properties"] is JsonObject properties && node["type"] is JsonValue type && type.GetValue<string>() == "object")
        {
            if (!node.ContainsKey("additionalProperties") && !node.ContainsKey("patternProperties") && !node.ContainsKey("allOf"))
                node["additionalProperties"] = false;
            foreach (var (_, property) in properties.ToList()) Closed(property!);
        }
        if (node["items"] is { } items) Closed(items);
        foreach (var combinator in new[] { "anyOf", "oneOf" })
            if (node[combinator] is JsonArray branches)
                foreach (var branch in branches) Closed(branch!);
        return node;
    }
}
