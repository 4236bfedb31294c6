using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Pipeline.Functions.ApiReference;

/// <summary>
/// Writes the OpenAPI 3.1 document of the app: every HTTP function of the catalogue (its route, methods and auth
/// level, as both hosts serve them) with what its module's description adds (bodies, answers, credentials,
/// examples), plus the answers the hosts themselves give on any route. A function the descriptions do not cover
/// stops the generation: the document never silently leaves a route out.
/// </summary>
public static partial class ApiDocumentGenerator
{
    public const string FunctionKeyHeader = "functionKeyHeader";
    public const string FunctionKeyQuery = "functionKeyQuery";

    /// <summary>Each HTTP function and method the descriptions say nothing about, as <c>Name METHOD /api/route</c>.</summary>
    public static IReadOnlyList<string> Undescribed(FunctionCatalog catalog, IEnumerable<IApiDescription> descriptions) =>
        Undescribed(catalog, Merge(descriptions));

    private static List<string> Undescribed(FunctionCatalog catalog, Dictionary<string, ApiFunction> described)
    {
        return catalog.WithTrigger<HttpRoute>()
            .SelectMany(f => f.Trigger.Methods.Select(m => (f.Function.Definition.Name, Method: m, f.Trigger.Route)))
            .Where(f => described.GetValueOrDefault(f.Name)?.For(f.Method) is null)
            .Select(f => $"{f.Name} {f.Method.ToUpperInvariant()} {PathOf(f.Route)}")
            .ToList();
    }

    /// <summary>Stops with what is wrong when an HTTP function is undescribed, or a description names no HTTP function.</summary>
    public static void Check(FunctionCatalog catalog, IEnumerable<IApiDescription> descriptions) => Check(catalog, Merge(descriptions));

    private static void Check(FunctionCatalog catalog, Dictionary<string, ApiFunction> described)
    {
        var missing = Undescribed(catalog, described);
        if (missing.Count > 0)
            throw new InvalidOperationException("the API document has no description for: " + string.Join("; ", missing) +
                                                ". Describe each in its module's API description class.");
        var unknown = described.Keys.Where(name => catalog.Find(name)?.Definition.Trigger is not HttpRoute).ToList();
        if (unknown.Count > 0)
            throw new InvalidOperationException("API descriptions name no HTTP function of the app: " + string.Join(", ", unknown));
    }

    public static OpenApiDocument Generate(FunctionCatalog catalog, IEnumerable<IApiDescription> descriptions)
    {
        var described = Merge(descriptions);
        Check(catalog, described);

        var document = new OpenApiDocument
        {
            Info = new OpenApiInfo
            {
                Title = "Event pipeline",
                Version = "1",
                Description = "Push, tracking, analytics, iAdvize, Reportei and admin routes. Every answer listed is one the " +
                              "route gives; errors keep each API's own shape.",
            },
            Paths = new OpenApiPaths(),
            Components = new OpenApiComponents { SecuritySchemes = SecuritySchemes() },
        };
        document.Tags = new HashSet<OpenApiTag>(described.Values.Select(f => f.Tag).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).Select(t => new OpenApiTag { Name = t }));

        foreach (var (function, trigger) in catalog.WithTrigger<HttpRoute>().OrderBy(f => f.Trigger.Route, StringComparer.Ordinal))
        {
            var path = PathOf(trigger.Route);
            if (!document.Paths.TryGetValue(path, out var item))
            {
                item = new OpenApiPathItem();
                document.Paths.Add(path, item);
            }
            var description = described[function.Definition.Name];
            foreach (var method in trigger.Methods)
            {
                var operation = Operation(document, function.Definition, trigger, method, description.Tag, description.For(method)!);
                ((OpenApiPathItem)item).AddOperation(new HttpMethod(method.ToUpperInvariant()), operation);
            }
        }
        return document;
    }

    public static string ToJson(OpenApiDocument document)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        document.SerializeAsV31(new OpenApiJsonWriter(text));
        return text.ToString();
    }

    /// <summary>The path the caller uses: every function route is served under <c>/api</c>.</summary>
    public static string PathOf(string route) => "/api/" + RouteConstraint().Replace(route, "}");

    private static OpenApiOperation Operation(OpenApiDocument document, FunctionBindings definition, HttpRoute trigger,
        string method, string tag, ApiOperation described)
    {
        var operation = new OpenApiOperation
        {
            OperationId = trigger.Methods.Length == 1 ? definition.Name : $"{definition.Name}_{method.ToLowerInvariant()}",
            Summary = described.Summary,
            Description = described.Description,
            Tags = new HashSet<OpenApiTagReference> { new(tag, document) },
            Parameters = Parameters(document, trigger, described),
            Responses = Responses(document, trigger, method, described),
            Security = Security(document, trigger, described),
        };
        if (described.Bodies.Count > 0)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = described.Bodies.ToDictionary(b => b.ContentType, b => (IOpenApiMediaType)new OpenApiMediaType
                {
                    Schema = Schema(b.Schema, document),
                    Examples = Examples(b.Examples),
                }),
            };
        }
        return operation;
    }

    private static List<IOpenApiParameter> Parameters(OpenApiDocument document, HttpRoute trigger, ApiOperation described)
    {
        var parameters = new List<IOpenApiParameter>();
        // The route's own placeholders are path parameters whether or not the description mentions them.
        foreach (Match placeholder in RoutePlaceholder().Matches(trigger.Route))
        {
            var name = placeholder.Groups["name"].Value;
            var said = described.Parameters.FirstOrDefault(p => p.In == ApiParameterPlace.Path && p.Name == name);
            parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Path,
                Required = true,
                Description = said?.Description ?? $"the {name} of the route",
                Schema = Schema(said?.Schema ?? ApiSchema.String, document),
            });
        }
        foreach (var p in described.Parameters.Where(p => p.In != ApiParameterPlace.Path))
        {
            parameters.Add(new OpenApiParameter
            {
                Name = p.Name,
                In = p.In == ApiParameterPlace.Query ? ParameterLocation.Query : ParameterLocation.Header,
                Required = p.Required,
                Description = p.Description,
                Schema = Schema(p.Schema, document),
            });
        }
        return parameters;
    }

    private static OpenApiResponses Responses(OpenApiDocument document, HttpRoute trigger, string method, ApiOperation described)
    {
        var answers = described.Answers.Concat(HostAnswers(trigger, method))
            .GroupBy(a => a.Status)
            .OrderBy(g => g.Key);
        var responses = new OpenApiResponses();
        foreach (var group in answers)
        {
            var response = new OpenApiResponse
            {
                Description = string.Join(" Or: ", group.Select(a => a.Description).Distinct(StringComparer.Ordinal)),
                Headers = group.SelectMany(a => a.Headers).DistinctBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
                    .ToDictionary(h => h.Key, h => (IOpenApiHeader)new OpenApiHeader
                    {
                        Description = h.Value,
                        Schema = Schema(ApiSchema.String, document),
                    }),
            };
            var content = new Dictionary<string, IOpenApiMediaType>();
            foreach (var byType in group.Where(a => a.Schema is not null).GroupBy(a => a.ContentType, StringComparer.OrdinalIgnoreCase))
            {
                var schemas = byType.Select(a => a.Schema!).ToList();
                // The route's own answer and the host's may share a status (a 401 for the admin key or for the
                // function key): the caller gets one or the other.
                var schema = schemas.Count == 1
                    ? Schema(schemas[0], document)
                    : new OpenApiSchema { AnyOf = schemas.Select(s => Schema(s, document)).ToList() };
                content[byType.Key] = new OpenApiMediaType
                {
                    Schema = schema,
                    Examples = Examples(byType.SelectMany(a => a.Examples).DistinctBy(e => e.Key).ToDictionary()),
                };
            }
            if (content.Count > 0) response.Content = content;
            responses[group.Key.ToString(CultureInfo.InvariantCulture)] = response;
        }
        return responses;
    }

    /// <summary>What either host answers on any route before or around the function, in the host's <c>{code, message}</c>.</summary>
    private static IEnumerable<ApiAnswer> HostAnswers(HttpRoute trigger, string method)
    {
        if (trigger.AuthLevel != AuthLevel.Anonymous)
            yield return new ApiAnswer(401, "No function key: send it as `?code=` or in `x-functions-key`.", ApiSchema.CodeMessage);
        if (method is "post" or "put" or "patch")
            yield return new ApiAnswer(400, "The body could not be read (a broken chunked encoding, say).", ApiSchema.CodeMessage);
        yield return new ApiAnswer(413, "The body is larger than the host accepts.", ApiSchema.CodeMessage);
        // Kestrel's own limits, before any function runs: no body.
        yield return new ApiAnswer(414, "The URL is longer than the web server accepts.", null);
        yield return new ApiAnswer(431, "The request's headers are larger than the web server accepts.", null);
        yield return new ApiAnswer(500, "The app failed; nothing was accepted.", ApiSchema.CodeMessage);
        yield return new ApiAnswer(503, "Storage did not answer in time (not confirmed: it may have been accepted), or, on the " +
                                        "local host, the pipeline is behind (nothing was accepted). Try again after Retry-After.", ApiSchema.CodeMessage)
        {
            Headers = new Dictionary<string, string> { ["Retry-After"] = "Seconds to wait before trying again." },
        };
    }

    private static List<OpenApiSecurityRequirement> Security(OpenApiDocument document, HttpRoute trigger, ApiOperation described)
    {
        OpenApiSecurityRequirement Requirement(IEnumerable<string> schemes)
        {
            var requirement = new OpenApiSecurityRequirement();
            foreach (var scheme in schemes) requirement[new OpenApiSecuritySchemeReference(scheme, document)] = [];
            return requirement;
        }

        // A function key may come in either place: each is an alternative, combined with what the route itself checks.
        if (trigger.AuthLevel == AuthLevel.Anonymous)
            return described.Security.Count == 0 ? [] : [Requirement(described.Security)];
        return [Requirement(described.Security.Prepend(FunctionKeyHeader)), Requirement(described.Security.Prepend(FunctionKeyQuery))];
    }

    private static Dictionary<string, IOpenApiSecurityScheme> SecuritySchemes() => new()
    {
        [FunctionKeyHeader] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "x-functions-key",
            Description = "The Functions host's function key (routes whose auth level is function).",
        },
        [FunctionKeyQuery] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Query, Name = "code",
            Description = "The same function key, in the query.",
        },
        [ApiSecurity.AdminApiKey] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Api-Key",
            Description = "The admin API's key (setting Admin__ApiKey).",
        },
        [ApiSecurity.ReporteiBearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer",
            Description = "A Reportei token (settings Reportei__Tokens__N).",
        },
        [ApiSecurity.IAdvizeSignature] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-iAdvize-Signature",
            Description = "`sha256=` and the hex HMAC-SHA256 of the exact body bytes, keyed with the webhook secret " +
                          "(setting IAdvize__WebhookSecret).",
        },
        [ApiSecurity.ConnectorToken] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Query, Name = "token",
            Description = "The iAdvize connector's token (setting IAdvize__ConnectorToken).",
        },
    };

    private static IOpenApiSchema Schema(JsonNode schema, OpenApiDocument document)
    {
        var read = new OpenApiJsonReader().ReadFragment<OpenApiSchema>(schema.DeepClone(), OpenApiSpecVersion.OpenApi3_1,
            document, out var diagnostic);
        if (diagnostic.Errors.Count > 0 || read is null)
            throw new InvalidOperationException($"a described schema is not valid: {string.Join("; ", diagnostic.Errors)} in {schema.ToJsonString()}");
        return read;
    }

    private static Dictionary<string, IOpenApiExample>? Examples(IReadOnlyDictionary<string, JsonNode> examples) =>
        examples.Count == 0
            ? null
            : examples.ToDictionary(e => e.Key, e => (IOpenApiExample)new OpenApiExample { Value = e.Value.DeepClone() });

    private static Dictionary<string, ApiFunction> Merge(IEnumerable<IApiDescription> descriptions)
    {
        var merged = new Dictionary<string, ApiFunction>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, function) in descriptions.SelectMany(d => d.Functions))
        {
            if (!merged.TryAdd(name, function))
                throw new InvalidOperationException($"two API descriptions describe the function '{name}'");
        }
        return merged;
    }

    [GeneratedRegex(@":[^}]*\}")]
    private static partial Regex RouteConstraint();

    [GeneratedRegex(@"\{(?<name>[^}:?*]+)[^}]*\}")]
    private static partial Regex RoutePlaceholder();
}
