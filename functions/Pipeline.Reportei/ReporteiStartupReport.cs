namespace Pipeline.Functions.Reportei;

public sealed class ReporteiStartupReport(IOptions<ReporteiOptions> options) : IStartupReport
{
    public IEnumerable<StartupLine> Lines()
    {
        var o = options.Value;
        var tokens = o.Tokens.Count(t => !string.IsNullOrWhiteSpace(t));
        yield return tokens > 0
            ? new("Reportei", true, $"/api/metrics/get-data, get-data-async and jobs accept {tokens} bearer token(s)")
            : new("Reportei", false, "Reportei__Tokens__0 is not set: every /api/metrics/get-data… and /api/metrics/jobs/… call answers 401");
        yield return StandardWebhookSignature.KeyOf(o.WebhookSecret) is not null
            ? new("Reportei callbacks", true, "get-data-async signs its callbacks")
            : new("Reportei callbacks", false, "Reportei__WebhookSecret (whsec_ + base64) is not set" +
                  (string.IsNullOrWhiteSpace(o.WebhookSecret) ? "" : " to a usable value") + ": get-data-async answers 503");
    }
}
