namespace Pipeline.Functions.Tracking;

/// <summary>
/// <c>POST</c> or <c>PUT /api/mobileapi/sensors</c>: beacon readings for a <c>mid</c>, as <c>sensors[0][uuid]</c> (the
/// table, curl and PHP) or <c>sensors[uuid][0]</c> (the Node sample). Answers <c>{"success":true}</c>.
/// </summary>
public sealed class MobileSensorsFunction(TrackingIds ids, IOptions<TrackingOptions> options, TimeProvider clock)
{
    private static readonly string[] NumericFields = ["rssi", "distance", "txPower", "minor", "major"];

    [Function("TrackingMobileSensors")]
    public async Task<TrackingOutput> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "put", Route = "mobileapi/sensors")] HttpRequestData req,
        CancellationToken cancellationToken)
    {
        var (body, error) = TrackingRequest.Read(req, options.Value);
        if (error is not null) return TrackingOutput.Refused(error);

        var problems = new FieldProblems();
        var sensors = Normalise(body.TryGetProperty("sensors", out var s) ? s : default, problems);
        var (mid, unknown) = await MobileSession.CheckAsync(req, ids, body, problems, cancellationToken);
        if (MobileSession.Refusal(req, problems, unknown) is { } refusal) return TrackingOutput.Refused(refusal);

        var data = RequestBodies.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("mid", mid);
            w.WriteStartArray("sensors");
            foreach (var sensor in sensors)
            {
                w.WriteStartObject();
                foreach (var (name, value) in sensor)
                {
                    // Numeric fields were checked with the same grammar (surrounding spaces of any kind allowed).
                    if (NumericFields.Contains(name) && TrackingAction.TryNumber(value, out var number)) w.WriteNumber(name, number);
                    else w.WriteString(name, value);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
        return TrackingRequest.Accept(TrackingRequest.Ok(req, ReadingsAccepted.Instance, TrackingJson.Default.ReadingsAccepted), TrackingEvents.MobileSensors,
            TrackingRequest.VisitorSubject(mid!), JsonDocument.Parse(data).RootElement, clock);
    }

    /// <summary>Both wire forms become a list of sensors, each a map of field → text; numeric fields are checked.</summary>
    private static List<Dictionary<string, string>> Normalise(JsonElement sensors, FieldProblems problems)
    {
        var result = new List<Dictionary<string, string>>();
        switch (sensors.ValueKind)
        {
            case JsonValueKind.Array: // sensors[0][uuid]=…
                foreach (var sensor in sensors.EnumerateArray())
                    result.Add(sensor.ValueKind == JsonValueKind.Object
                        ? sensor.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString())
                        : []);
                break;
            case JsonValueKind.Object: // sensors[uuid][0]=…
                foreach (var field in sensors.EnumerateObject())
                {
                    var values = field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray().ToList() : [field.Value];
                    for (var i = 0; i < values.Count; i++)
                    {
                        while (result.Count <= i) result.Add([]);
                        result[i][field.Name] = values[i].ToString();
                    }
                }
                break;
            default:
                problems.Add("sensors", "at least one sensor is required (sensors[0][uuid]=…)");
                return result;
        }
        if (result.Count == 0) problems.Add("sensors", "at least one sensor is required (sensors[0][uuid]=…)");
        for (var i = 0; i < result.Count; i++)
        {
            if (!result[i].TryGetValue("uuid", out var uuid) || string.IsNullOrWhiteSpace(uuid))
                problems.Add($"sensors[{i}][uuid]", "is required");
            foreach (var name in NumericFields)
            {
                if (result[i].TryGetValue(name, out var value) && !TrackingAction.TryNumber(value, out _))
                    problems.Add($"sensors[{i}][{name}]", "must be a number");
            }
        }
        return result;
    }
}
