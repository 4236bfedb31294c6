namespace Pipeline.Functions.Hosting;

/// <summary>
/// The last line of defence in both hosts: whatever escapes a route becomes a short JSON answer, never an exception
/// page (ASP.NET Core shows its developer page in Development). A request Kestrel cannot read (a malformed chunked
/// body, say) is the caller's error, so it is a 4xx; anything else is logged and answered 500 without details.
/// </summary>
public static class CallerErrors
{
    public static IApplicationBuilder UseCallerErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex)
        {
            if (context.Response.HasStarted) throw;
            await WriteAsync(context, StatusOf(ex), BadRequestMessage(ex));
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CallerErrors))
                .LogError(ex, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            if (context.Response.HasStarted) throw;
            await WriteAsync(context, 500, "internal error; nothing was accepted");
        }
    });

    /// <summary>
    /// Whether reading the request body failed because of what the caller sent: Kestrel reports most framing errors
    /// as <see cref="BadHttpRequestException"/>, but a chunk size that overflows as an <see cref="IOException"/>
    /// ("Bad chunk size data"). A body read that is cancelled because the caller went away is not one of them.
    /// </summary>
    public static bool IsUnreadableBody(Exception ex, CancellationToken requestAborted) =>
        !requestAborted.IsCancellationRequested && ex is BadHttpRequestException or IOException;

    public static int StatusOf(Exception ex) =>
        ex is BadHttpRequestException { StatusCode: >= 400 and < 500 } bad ? bad.StatusCode : 400;

    /// <summary>Kestrel's reason (it names the framing problem, never a path or a stack).</summary>
    public static string BadRequestMessage(Exception ex) => StatusOf(ex) == 413
        ? "body is too large"
        : "the request body could not be read: " + ex.Message;

    public static async Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(RequestBodies.Json(
            new CallerErrorAnswer(status.ToString(CultureInfo.InvariantCulture), message), AnswerJson.Default.CallerErrorAnswer));
    }
}
