namespace Pipeline.Functions.Intercom;

public sealed class IntercomStartupReport(IOptions<IntercomOptions> options) : IStartupReport
{
    public IEnumerable<StartupLine> Lines()
    {
        var o = options.Value;
        yield return o.IsConfigured
            ? new("Intercom", true, $"deliveries and the statistics sweep's syncs go to {o.BaseUrl}")
            : new("Intercom", false, "Intercom__AccessToken is not set: deliveries are recorded as Skipped (events are still stored)");
    }
}
