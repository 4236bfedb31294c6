namespace Pipeline.Functions.Hosting;

/// <summary>
/// The operator's key (<c>Admin__ApiKey</c>), sent as the <c>X-Api-Key</c> header on admin routes. With no key
/// configured every admin call is refused: an admin API must never be open by omission.
/// </summary>
public sealed class AdminApiKey(IConfiguration configuration) : ICallerCheck
{
    public const string Setting = "Admin:ApiKey";
    public const string Header = "X-Api-Key";

    /// <returns>null when the caller may go on; otherwise the 401 to answer.</returns>
    public Microsoft.Azure.Functions.Worker.Http.HttpResponseData? Check(Microsoft.Azure.Functions.Worker.Http.HttpRequestData request) =>
        Check(request.FirstHeader(Header)) is { } refused ? request.CreateErrorResponse(401, "unauthorized", refused) : null;

    /// <returns>null when the presented key is the configured one; otherwise why not.</returns>
    private string? Check(string? presented)
    {
        var configured = configuration[Setting];
        if (string.IsNullOrEmpty(configured)) return "admin routes are disabled: Admin__ApiKey is not set";
        return SharedSecrets.Matches(presented, configured) ? null : $"the {Header} header is missing or wrong";
    }
}
