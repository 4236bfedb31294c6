namespace Pipeline.Functions;

/// <summary>
/// How deep a caller's JSON may nest. Every hop wraps a body in a few levels (the stored entity, the envelope's
/// <c>data</c>, the custom-handler payload), and every reader on the way, ours, the Functions host's and the
/// serializer's, stops at 64 levels. Ingest therefore refuses bodies nested deeper than <see cref="MaxBodyDepth"/>
/// with a 4xx naming the field, and the pipeline keeps the readers' default limit.
/// </summary>
public static class JsonDepth
{
    /// <summary>Levels a body may use, the body object itself being level 1.</summary>
    public const int MaxBodyDepth = 32;

    /// <summary>1 for a scalar, 1 + the deepest child for an object or array.</summary>
    public static int Of(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => 1 + element.EnumerateObject().Select(p => Of(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + element.EnumerateArray().Select(Of).DefaultIfEmpty(0).Max(),
        _ => 1,
    };

    /// <returns>The first property of <paramref name="body"/> that nests deeper than the body may, or null.</returns>
    public static string? FirstTooDeep(JsonElement body) =>
        body.ValueKind != JsonValueKind.Object
            ? null
            : body.EnumerateObject().Where(p => 1 + Of(p.Value) > MaxBodyDepth).Select(p => p.Name).FirstOrDefault();

    public static string Problem => $"must not nest deeper than {MaxBodyDepth - 1} levels";
}
