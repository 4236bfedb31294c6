namespace Pipeline.Functions.Hosting;

/// <summary>
/// The server the Azure Functions host talks to: <c>GET /</c> for readiness and <c>POST /{FunctionName}</c>
/// for invocations. A non-2xx answer fails the invocation (the host then redelivers a queue message).
/// </summary>
public static class CustomHandlerEndpoints
{
    public static void MapCustomHandler(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Json(new Dictionary<string, string> { ["status"] = "ready" },
            PipelineJson.Default.DictionaryStringString));

        app.MapPost("/{functionName}", InvokeAsync);
    }

    private static async Task<IResult> InvokeAsync(string functionName, HttpRequest request, FunctionDispatcher dispatcher,
        CancellationToken cancellationToken)
    {
        var function = dispatcher.Catalog.Find(functionName);
        if (function is null) return Failure(StatusCodes.Status404NotFound, $"no function named '{functionName}'");

        Invocation invocation;
        try
        {
            using var payload = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            invocation = CustomHandlerProtocol.ReadInvocation(function.Definition, payload.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return Failure(StatusCodes.Status400BadRequest, $"invocation payload is not understood: {ex.Message}");
        }
        catch (Exception ex) when (CallerErrors.IsUnreadableBody(ex, cancellationToken))
        {
            return Failure(CallerErrors.StatusOf(ex), CallerErrors.BadRequestMessage(ex));
        }

        try
        {
            var result = await dispatcher.RunAsync(function, invocation, cancellationToken);
            return Results.Bytes(CustomHandlerProtocol.Encode(function.Definition, result), "application/json");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && function.Definition.Trigger is HttpRoute
                                   && Storage.StorageFailures.IsUnavailable(ex))
        {
            // The caller gets 503 with Retry-After, not the host's 500: nothing was accepted, and a retry can succeed.
            return Results.Bytes(CustomHandlerProtocol.Encode(function.Definition,
                FunctionResult.Http(Storage.StorageFailures.Response())), "application/json");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The dispatcher logged it to stdout: the host drops Logs from a failed invocation.
            return Failure(StatusCodes.Status500InternalServerError, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static IResult Failure(int status, string error) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error }, PipelineJson.Default.DictionaryStringString,
            statusCode: status);
}
