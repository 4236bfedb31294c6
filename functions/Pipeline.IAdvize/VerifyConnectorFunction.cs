namespace Pipeline.Functions.IAdvize;

/// <summary>
/// <c>POST /api/iadvize/verify?token=…</c>: the connector's verification url (seed 003's connector). The body is the array of
/// install fields (<c>{id, value, fieldType}</c>); our app has one, <c>api_key</c> (the customer's iAdvize REST key),
/// checked for real with <c>GET {IAdvize__BaseUrl}/client</c>. Answers 200 with <c>{isValid, message, fields}</c>.
/// </summary>
[CheckCaller<ConnectorToken>]
public sealed class VerifyConnectorFunction(IAdvizeClient iadvize)
{
    public const string ApiKeyField = "api_key";
    public static readonly string[] KnownFields = [ApiKeyField];
    private const int MaxBodyBytes = 16 * 1024;

    [Function("IAdvizeVerifyConnector")]
    public async Task<HttpResponseData> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "iadvize/verify")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        var body = request.BodyText();
        if (Encoding.UTF8.GetByteCount(body) > MaxBodyBytes)
            return request.CreateErrorResponse(413, "bad_request", $"body is larger than {MaxBodyBytes / 1024} KiB");

        var (fields, problem) = Read(body);
        if (fields is null) return request.CreateErrorResponse(400, "bad_request", problem!);

        var errors = new List<FieldProblem>();
        foreach (var id in fields.Select(f => f.Id!).Distinct(StringComparer.Ordinal).Where(id => !KnownFields.Contains(id)))
            errors.Add(new(id, "unknown field; this app only asks for api_key"));
        // A field sent twice counts with its last value.
        var apiKey = fields.LastOrDefault(f => f.Id == ApiKeyField)?.Value;
        if (string.IsNullOrWhiteSpace(apiKey)) errors.Add(new(ApiKeyField, "is required: your iAdvize REST API key"));
        else if (!IsKeyText(apiKey.Trim())) errors.Add(new(ApiKeyField, "must be printable ASCII with no spaces or line breaks, as iAdvize issues its keys"));
        else if (await CheckKeyAsync(apiKey.Trim(), cancellationToken) is { } keyProblem) errors.Add(new(ApiKeyField, keyProblem));

        var answer = new ConnectorVerified(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Id}: {e.Message}")), errors);
        return request.CreateJsonResponse(HttpStatusCode.OK, answer, IAdvizeJson.Default.ConnectorVerified);
    }

    /// <returns>The install fields in order, or what is wrong with the body.</returns>
    public static (List<ConnectorField>? Fields, string? Problem) Read(string body)
    {
        JsonElement root;
        try
        {
            root = RequestBodies.ParseJson(string.IsNullOrWhiteSpace(body) ? "null" : body);
        }
        catch (JsonException ex)
        {
            return (null, $"body is not valid JSON ({RequestBodies.Reason(ex)}); {ConnectorField.Shape}");
        }
        if (root.ValueKind != JsonValueKind.Array) return (null, ConnectorField.Shape);
        // Each field is bound on its own, so that a problem is named under its index.
        var fields = new List<ConnectorField>();
        foreach (var (index, item) in root.EnumerateArray().Index())
        {
            if (item.ValueKind != JsonValueKind.Object) return (null, $"[{index}] {ConnectorField.NoField}");
            if (RequestBodies.Bind(item, IAdvizeJson.Default.ConnectorField, out var problems).Check(problems) is not { } field)
            {
                var (name, message) = problems.First;
                return (null, name == "id" ? $"[{index}] {message}" : $"[{index}].{name} {message}");
            }
            fields.Add(field);
        }
        return (fields, null);
    }

    /// <summary>
    /// A key that can travel as a header value unchanged: no line break could add a header of the installer's choosing
    /// to the call, and no other character is silently refused by the HTTP client as "iAdvize could not be reached".
    /// </summary>
    private static bool IsKeyText(string key) => key.All(c => c is > ' ' and < '\x7f');

    /// <returns>null when iAdvize accepts the key; otherwise what to tell the installer.</returns>
    private async Task<string?> CheckKeyAsync(string apiKey, CancellationToken cancellationToken)
    {
        IAdvizeAnswer answer;
        try
        {
            answer = await iadvize.SendAsync(HttpMethod.Get, "client", null, cancellationToken, apiKey);
        }
        catch (TransientDeliveryException)
        {
            return "iAdvize could not be reached to check this key; try again in a moment";
        }
        if (answer.IsSuccess) return null;
        if (answer.Status is 408 or 429 or >= 500) return $"iAdvize could not check this key now ({answer.Status}); try again in a moment";
        return $"iAdvize refused this key ({answer.Message ?? answer.MetaStatus ?? answer.Status.ToString()})";
    }
}

/// <summary>One install field of the verify body: its id, and its value as text (a number or true/false as written).</summary>
public sealed record ConnectorField(string? Id, [property: JsonConverter(typeof(ScalarTextConverter))] string? Value)
{
    public const string Shape = "body must be a JSON array of {\"id\",\"value\",\"fieldType\"} objects";

    /// <summary>Without its id an item is no install field at all: the problem is the item's, not the id's.</summary>
    public const string NoField = "must be an object with a string id; " + Shape;

    /// <returns>The field; null when <paramref name="problems"/> names any.</returns>
    public ConnectorField? Check(FieldProblems problems)
    {
        if (problems.IsWrongType("id") || string.IsNullOrEmpty(Id)) problems.Add("id", NoField);
        problems.WrongType("value", "must be text");
        return problems.Any ? null : this;
    }
}
