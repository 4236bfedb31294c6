namespace Pipeline.Functions.Tracking;

/// <summary>The <c>mid</c> check shared by the mobile send, sensors and geo endpoints.</summary>
public static class MobileSession
{
    /// <returns>The mid, and a 404 to answer when this app never issued it.</returns>
    public static async Task<(string? Mid, HttpResponseData? Unknown)> CheckAsync(HttpRequestData request, TrackingIds ids, JsonElement body,
        FieldProblems problems, CancellationToken cancellationToken)
    {
        var mid = TrackingRequest.Text(body, "mid");
        if (string.IsNullOrWhiteSpace(mid))
        {
            problems.Add("mid", "is required: the mobileId /mobileapi/init returned");
            return (null, null);
        }
        if (problems.Any) return (mid, null);
        var kind = await ids.FindAsync(TrackingRequest.Text(body, "appkey")!, mid, cancellationToken);
        return kind == TrackingIdKind.MobileId
            ? (mid, null)
            : (mid, TrackingRequest.Error(request, 404, "mid was not issued by /mobileapi/init for this appkey", FieldProblems.Of("mid", "unknown").All));
    }

    /// <summary>What to answer instead of accepting: the field problems first, then an unknown id; null when all is well.</summary>
    public static HttpResponseData? Refusal(HttpRequestData request, FieldProblems problems, HttpResponseData? unknown) =>
        problems.Any ? TrackingRequest.Invalid(request, problems) : unknown;
}
