using Pipeline.Functions.GhostMonitor;

namespace Pipeline.Functions.Intercom;

/// <summary>
/// <c>Pipeline.Functions create-intercom-attributes</c>: creates, once per workspace, the company data attributes
/// the mapping writes, with their types. Intercom only accepts values for attributes that exist with a matching
/// type, so this runs before the first events are forwarded. An attribute that already exists is left as it is.
/// </summary>
public sealed class DataAttributesCommand(IntercomClient intercom)
{
    public static IReadOnlyList<(string Name, string DataType)> All { get; } =
        PushSegments.All.SelectMany(IntercomMapping.AttributesOf).DistinctBy(a => a.Name).ToList();

    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        if (!intercom.IsConfigured)
        {
            await output.WriteLineAsync("Intercom__AccessToken is not set; nothing created.");
            return 2;
        }
        var failures = 0;
        foreach (var (name, dataType) in All)
        {
            var response = await intercom.SendAsync(HttpMethod.Post, "data_attributes",
                IntercomRequestJson.Write(new DataAttributeRequest(name, dataType)), cancellationToken);
            var outcome = response.IsSuccess ? "created" : AlreadyExists(response) ? "exists" : null;
            if (outcome is null) failures++;
            await output.WriteLineAsync($"{name} ({dataType}): {outcome ?? response.Describe()}");
        }
        await output.WriteLineAsync($"{All.Count - failures} of {All.Count} attributes ready");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// Intercom answers an attribute that exists with <c>400 parameter_invalid</c> "You already have 'x' in your
    /// company data…" (older answers said "already exists"); either way the attribute is there.
    /// </summary>
    private static bool AlreadyExists(IntercomResponse response) =>
        response.Status == 400
        && (response.Body.Contains("already exists", StringComparison.OrdinalIgnoreCase)
            || response.Body.Contains("you already have", StringComparison.OrdinalIgnoreCase));
}
