namespace Pipeline.Functions.IAdvize;

/// <summary>
/// The connector URLs declared to iAdvize carry <c>?token={IAdvize__ConnectorToken}</c>: iAdvize calls only the URLs
/// it is given and the doc defines no other authentication. Compared in constant time; no token set refuses all.
/// </summary>
public sealed class ConnectorToken(IOptions<IAdvizeOptions> options) : ICallerCheck
{
    public const string QueryKey = "token";

    /// <returns>null when the caller may go on; otherwise the 401 to answer.</returns>
    public HttpResponseData? Check(HttpRequestData request)
    {
        var configured = options.Value.ConnectorToken;
        if (string.IsNullOrEmpty(configured))
            return request.CreateErrorResponse(401, "unauthorized", "connector endpoints are disabled: IAdvize__ConnectorToken is not set");
        var presented = request.Query.GetValues(QueryKey)?.FirstOrDefault();
        return SharedSecrets.Matches(presented, configured)
            ? null
            : request.CreateErrorResponse(401, "unauthorized", "the token query parameter is missing or wrong");
    }
}
