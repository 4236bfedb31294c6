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

        var (values, problem) = Read(body);
        if (problem is not null) return request.CreateErrorResponse(400, "bad_request", problem);

        var errors = new List<FieldProblem>();
        foreach (var id in values!.Keys.Where(id => !KnownFields.Contains(id)))
            errors.Add(new(id, "unknown field; this app only asks for api_key"));
        var apiKey = values.GetValueOrDefault(ApiKeyField);
        if (string.IsNullOrWhiteSpace(apiKey)) errors.Add(new(ApiKeyField, "is required: your iAdvize REST API key"));
        else if (!IsKeyText(apiKey.Trim())) errors.Add(new(ApiKeyField, "must be printable ASCII with no spaces or line breaks, as iAdvize issues its keys"));
        else if (await CheckKeyAsync(apiKey.Trim(), cancellationToken) is { } keyProblem) errors.Add(new(ApiKeyField, keyProblem));

        var answer = new ConnectorVerified(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Id}: {e.Message}")), errors);
        return request.CreateJsonResponse(HttpStatusCode.OK, answer, IAdvizeJson.Default.ConnectorVerified);
    }

    /// <returns>The fields by id, or what is wrong with the body.</returns>
    public static (Dictionary<string, string?>? Values, string? Problem) Read(string body)
    {
        const string shape = "body must be a JSON array of {\"id\",\"value\",\"fieldType\"} objects";
        JsonElement root;
        try
        {
            root = RequestBodies.ParseJson(string.IsNullOrWhiteSpace(body) ? "null" : body);
        }
        catch (JsonException ex)
        {
            return (null, $"body is not valid JSON ({RequestBodies.Reason(ex)}); {shape}");
        }
        if (root.ValueKind != JsonValueKind.Array) return (null, shape);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var index = 0;
        foreach (var field in root.EnumerateArray())
        {
            if (field.ValueKind != JsonValueKind.Object || !field.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(id.GetString()))
                return (null, $"[{index}] must be an object with a string id; {shape}");
            var value = field.TryGetProperty("value", out var v) ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
                JsonValueKind.Null => null,
                _ => null,
            } : null;
            if (field.TryGetProperty("value", out var raw) && raw.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                return (null, $"[{index}].value must be text");
            values[id.GetString()!] = value;
            index++;
        }
        return (values, null);
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
