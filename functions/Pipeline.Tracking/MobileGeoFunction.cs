namespace Pipeline.Functions.Tracking;

/// <summary>
/// <c>PUT</c> (every sample) or <c>POST /api/mobileapi/geo</c>: one geolocation fix for a <c>mid</c>.
/// Answers <c>{"success":true}</c>.
/// </summary>
public sealed class MobileGeoFunction(TrackingIds ids, IOptions<TrackingOptions> options, TimeProvider clock)
{
    [Function("TrackingMobileGeo")]
    public async Task<TrackingOutput> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", "post", Route = "mobileapi/geo")] HttpRequestData req,
        CancellationToken cancellationToken)
    {
        var (body, error) = TrackingRequest.Read(req, options.Value);
        if (error is not null) return TrackingOutput.Refused(error);

        var problems = new FieldProblems();
        var lat = Coordinate(body, "lat", 90, problems);
        var lon = Coordinate(body, "lon", 180, problems);
        double? accuracy = null;
        if (TrackingRequest.Text(body, "accuracy") is { } accuracyText)
        {
            if (TrackingAction.TryNumber(accuracyText, out var a) && a >= 0) accuracy = a;
            else problems.Add("accuracy", "must be a number of at least 0");
        }
        var (mid, unknown) = await MobileSession.CheckAsync(req, ids, body, problems, cancellationToken);
        if (MobileSession.Refusal(req, problems, unknown) is { } refusal) return TrackingOutput.Refused(refusal);

        var data = JsonSerializer.SerializeToElement(new GeoFix(mid!, lat, lon, accuracy), TrackingJson.Default.GeoFix);
        return TrackingRequest.Accept(TrackingRequest.Ok(req, ReadingsAccepted.Instance, TrackingJson.Default.ReadingsAccepted), TrackingEvents.MobileGeo,
            TrackingRequest.VisitorSubject(mid!), data, clock);
    }

    private static double Coordinate(JsonElement body, string name, double limit, FieldProblems problems)
    {
        var text = TrackingRequest.Text(body, name);
        if (text is null) problems.Add(name, "is required");
        else if (!TrackingAction.TryNumber(text, out var value) || Math.Abs(value) > limit) problems.Add(name, $"must be a number from -{limit} to {limit}");
        else return value;
        return 0;
    }
}

/// <summary>A geolocation event's data: the fix, and how sure it is when the app said.</summary>
public sealed record GeoFix(
    string Mid,
    double Lat,
    double Lon,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Accuracy);
