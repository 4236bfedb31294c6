using System.Text.Json;
using Pipeline.Functions.Hosting;

namespace Pipeline.Functions.IAdvize;

/// <summary>
/// <c>GET /api/iadvize/visitor-profile?token=…</c>: the connector's visitor profile (digest §1.5.2). Filters
/// <c>emailVisitor</c>, <c>idVisitorExternal</c>, <c>idVisitorUnique</c> identify the visitor (one at least);
/// <c>idWebsite</c> and <c>idConnectorVersion</c> are accepted and not needed; <c>operatorLocale=fr…</c> gives French
/// labels. Answers a bare JSON array of <c>{id, label, value, fieldType}</c>, <c>[]</c> for a visitor nobody knows.
/// </summary>
public sealed class VisitorProfileFunction(ConnectorToken token, VisitorProfile profile) : IFunction
{
    private const int MaxFilterLength = 256;

    public FunctionDefinition Definition { get; } =
        FunctionDefinition.Http("IAdvizeVisitorProfile", "iadvize/visitor-profile", ["get"], AuthLevel.Anonymous);

    public async Task<InvocationResult> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var request = invocation.Request!;
        if (token.Check(request) is { } refused) return InvocationResult.Http(refused);

        string? Filter(string name) =>
            request.Query.TryGetValue(name, out var values) && values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) is { } v ? v.Trim() : null;
        var email = Filter("emailVisitor");
        var external = Filter("idVisitorExternal");
        var unique = Filter("idVisitorUnique");
        if (email is null && external is null && unique is null)
            return InvocationResult.Http(InvocationResponse.Error(400, "bad_request",
                "give at least one of emailVisitor, idVisitorExternal or idVisitorUnique"));
        foreach (var (name, value) in new[] { ("emailVisitor", email), ("idVisitorExternal", external), ("idVisitorUnique", unique) })
        {
            if (value is { Length: > MaxFilterLength })
                return InvocationResult.Http(InvocationResponse.Error(400, "bad_request", $"{name} must be at most {MaxFilterLength} characters"));
        }
        var french = Filter("operatorLocale")?.StartsWith("fr", StringComparison.OrdinalIgnoreCase) == true;

        var fields = await profile.BuildAsync(new VisitorProfile.Filters(email, external, unique, french), cancellationToken);
        return InvocationResult.Http(new InvocationResponse(200, RequestBodies.Json(w =>
        {
            w.WriteStartArray();
            foreach (var field in fields)
            {
                w.WriteStartObject();
                w.WriteString("id", field.Id);
                w.WriteString("label", field.Label);
                w.WriteString("value", field.Value);
                w.WriteString("fieldType", field.FieldType);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        })));
    }
}
