using Azure;
using Microsoft.AspNetCore.Http.Extensions;

namespace Pipeline.Functions.LocalHost;

/// <summary>
/// Public routes under <c>/api/</c>, as the Functions host would expose them: each HTTP function's route becomes an
/// invocation, and its queue outputs are written before the caller gets the answer, so an accepted event is on
/// its queue by the time the caller sees 200.
/// </summary>
public static class LocalHttpRoutes
{
    /// <summary>Seconds a caller refused for a deep backlog is told to wait (the backlog is sampled every 10 s).</summary>
    public const int BehindRetryAfterSeconds = 30;

    public static void MapLocalHttpFunctions(this IEndpointRouteBuilder app, FunctionCatalog catalog)
    {
        foreach (var (function, trigger) in catalog.WithTrigger<HttpRoute>())
        {
            app.Map("/api/" + trigger.Route, context => InvokeAsync(context, function, trigger))
                .WithDisplayName(function.Definition.Name);
            if (trigger.LocalAlias is { } alias)
                app.Map("/api/" + alias, context => InvokeAsync(context, function, trigger)).WithDisplayName(function.Definition.Name);
        }
    }

    private static async Task InvokeAsync(HttpContext context, IFunction function, HttpRoute trigger)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<LocalHostOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LocalHttpRoutes));
        var cancellationToken = context.RequestAborted;

        if (!trigger.Allows(context.Request.Method))
        {
            context.Response.Headers.Allow = string.Join(", ", trigger.Methods.Select(m => m.ToUpperInvariant()));
            await WriteAsync(context, new InvocationResponse(405,
                $$"""{"code":"405","message":"method {{context.Request.Method}} is not allowed here; use {{context.Response.Headers.Allow}}"}"""));
            return;
        }

        if (trigger.AuthLevel != AuthLevel.Anonymous && !FunctionKeys.Allows(context.Request, options.FunctionKey))
        {
            await WriteAsync(context, new InvocationResponse(401, FunctionKeys.MissingKeyAnswer));
            return;
        }

        // Azurite slows with every message it holds, and past some thousands it cannot serve even the receives that
        // would drain them: a function that queues work is refused, with nothing accepted, while the backlog is this
        // deep (Service Bus has no such limit, so the Functions host never sheds).
        if (function.Definition.QueueOutputs.Count > 0
            && services.GetRequiredService<Health.BacklogMonitor>().Latest.Entities.Sum(e => e.Backlog?.Waiting ?? 0) is var waiting
            && waiting > options.MaxBacklog)
        {
            logger.LogWarning("{Function}: refused, {Waiting} messages wait (LocalHost__MaxBacklog {Max})", function.Definition.Name,
                waiting, options.MaxBacklog);
            services.GetRequiredService<Health.IntakeHealth>().ReportRefused(
                $"{waiting} messages wait, past LocalHost__MaxBacklog ({options.MaxBacklog})");
            await WriteAsync(context, new InvocationResponse(503,
                $$"""{"code":"503","message":"the pipeline is behind: {{waiting}} messages wait; nothing was accepted. Try again later"}""")
            {
                Headers = new Dictionary<string, string> { ["Retry-After"] = BehindRetryAfterSeconds.ToString() },
            });
            return;
        }

        byte[]? body;
        try
        {
            body = await ReadBodyAsync(context.Request, options.MaxRequestBodyBytes, cancellationToken);
        }
        catch (Exception ex) when (CallerErrors.IsUnreadableBody(ex, cancellationToken))
        {
            // Kestrel could not read the body (a malformed chunked encoding, say): the caller's error.
            await CallerErrors.WriteAsync(context, CallerErrors.StatusOf(ex), CallerErrors.BadRequestMessage(ex));
            return;
        }
        if (body is null)
        {
            await WriteAsync(context, new InvocationResponse(413,
                $$"""{"code":"413","message":"body is larger than {{options.MaxRequestBodyBytes}} bytes"}"""));
            return;
        }

        var invocation = new Invocation
        {
            FunctionName = function.Definition.Name,
            Request = new InvocationRequest
            {
                Method = context.Request.Method,
                Url = context.Request.GetEncodedUrl(),
                RouteParams = context.Request.RouteValues.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "",
                    StringComparer.OrdinalIgnoreCase),
                Query = context.Request.Query.ToDictionary(kv => kv.Key, kv => kv.Value.Select(v => v ?? "").ToArray(),
                    StringComparer.Ordinal),
                Headers = context.Request.Headers.ToDictionary(kv => kv.Key, kv => kv.Value.Select(v => v ?? "").ToArray(),
                    StringComparer.OrdinalIgnoreCase),
                RawBody = body, // Body is decoded from these bytes when a function asks for text
            },
        };

        var dispatcher = services.GetRequiredService<FunctionDispatcher>();
        FunctionResult result;
        // The host's deadline for the function and its queue outputs: storage that does not answer within it is
        // reported as 503 rather than holding the caller (the storage clients' own timeouts are shorter).
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.HttpTimeoutSeconds));
        try
        {
            result = await dispatcher.RunAsync(function, invocation, deadline.Token, done =>
            {
                foreach (var line in done.Logs) logger.LogInformation("{Function}: {Line}", function.Definition.Name, line);
                return Task.CompletedTask;
            });
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested
                                   && (Storage.StorageFailures.IsUnavailable(ex) || deadline.IsCancellationRequested))
        {
            // Not confirmed: the caller is told to try again rather than given a 200 for an event that may be lost.
            logger.LogError("{Function}: storage is unavailable: {Message}", function.Definition.Name, ex.Message);
            await WriteAsync(context, Storage.StorageFailures.Response());
            return;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "{Function} failed", function.Definition.Name);
            await WriteAsync(context, new InvocationResponse(500, """{"code":"500","message":"internal error; nothing was accepted"}"""));
            return;
        }
        await WriteAsync(context, result.Response ?? new InvocationResponse(204, ""));
    }

    /// <returns>The bytes as received; null when the body is larger than <paramref name="maxBytes"/>.</returns>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static async Task WriteAsync(HttpContext context, InvocationResponse response)
    {
        context.Response.StatusCode = response.StatusCode;
        foreach (var (name, value) in response.Headers) context.Response.Headers[name] = value;
        if (response.Body.Length == 0) return;
        context.Response.ContentType = response.ContentType;
        await context.Response.WriteAsync(response.Body, context.RequestAborted);
    }
}
