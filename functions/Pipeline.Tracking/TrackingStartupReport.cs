namespace Pipeline.Functions.Tracking;

public sealed class TrackingStartupReport(IOptions<TrackingOptions> options) : IStartupReport
{
    public IEnumerable<StartupLine> Lines()
    {
        var o = options.Value;
        var keys = o.AppKeys.Count(k => !string.IsNullOrWhiteSpace(k));
        yield return keys > 0
            ? new("tracking", true, $"/api/jsapi/… and /api/mobileapi/… accept {keys} app key(s)" +
                                    (string.IsNullOrEmpty(o.IdSecret) ? "; visitor ids use the secret kept in Table Storage" : ""))
            : new("tracking", false, "Tracking__AppKeys__0 is not set: every /api/jsapi/… and /api/mobileapi/… call answers 401");
    }
}
