namespace Pipeline.Functions.ApiReference;

/// <summary>The reference's own two routes, described like every other.</summary>
public sealed class ApiReferenceDescription : IApiDescription
{
    private const string Tag = "Reference";

    private static readonly ApiAnswer NoSuchAsset = new(404, "The page has no file of that name.", ApiSchema.ErrorMessage);

    public IReadOnlyDictionary<string, ApiFunction> Functions { get; } = new Dictionary<string, ApiFunction>
    {
        ["OpenApiDocument"] = ApiFunction.Of(Tag, new ApiOperation("This document")
        {
            Answers = [new ApiAnswer(200, "The OpenAPI 3.1 document.", ApiSchema.Parse("""{"type":"object","required":["openapi","info","paths"]}"""))],
        }),
        ["ApiDocs"] = ApiFunction.Of(Tag, new ApiOperation("The reference page rendering this document")
        {
            Parameters = [ApiParameter.Query("asset", "One of the page's files: docs.js, swagger-ui-bundle.js, swagger-ui.css.")],
            Answers =
            [
                new ApiAnswer(200, "The page (text/html), or the file asked for.", ApiSchema.String, "text/html"),
                NoSuchAsset,
            ],
        }),
    };
}
