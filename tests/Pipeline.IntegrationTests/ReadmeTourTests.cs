namespace Pipeline.IntegrationTests;

/// <summary>
/// The README's "Try it" tour, pasted into bash as a newcomer would, against the local host with the Intercom and
/// iAdvize stand-ins <c>./run --stand-ins</c> starts: every answer it shows must be the one that comes.
/// </summary>
public sealed class ReadmeTourTests
{
    private static ReadmeTour Tour() => ReadmeTour.Read(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "README.md")));

    [Fact]
    public void The_tour_sets_what_it_uses_and_shows_its_answers()
    {
        var tour = Tour();

        var setup = string.Join("\n", tour.Setup.Select(s => s.Command));
        foreach (var setting in new[] { "Admin__ApiKey", "Tracking__AppKeys__0", "IAdvize__WebhookSecret", "IAdvize__ConnectorToken", "Reportei__Tokens__0" })
            Assert.Contains(setting + "=", setup);
        Assert.True(tour.Steps.Count(s => s.Answer is not null) >= 15, "the tour shows the answers of its calls");
        Assert.True(ReadmeTour.Matches("""{"id":"019…","ok":true}""", """{"id":"019a-b","ok":true}"""));
        Assert.False(ReadmeTour.Matches("""{"id":"019…","ok":true}""", """{"id":"019a-b","ok":false}"""));
    }

    [Fact]
    public async Task Every_answer_the_tour_shows_is_the_one_that_comes()
    {
        var tour = Tour();
        var directory = Directory.CreateTempSubdirectory("tour-").FullName;
        try
        {
            var settings = await SettingsOfAsync(tour, directory);
            Directory.CreateDirectory(Path.Combine(directory, ".run"));
            // The stand-ins write what they receive where ./run --detach writes its log, as the tour expects.
            await using var log = new StreamWriter(Path.Combine(directory, ".run", "run.log")) { AutoFlush = true };
            var intercom = new IntercomStandIn();
            var iadvize = new IAdvizeStandIn();
            StandInServer.PrintRequests(intercom.Server, "intercom", log);
            StandInServer.PrintRequests(iadvize.Server, "iadvize", log);
            await using var pipeline = await TestPipeline.Create()
                .WithIntercom(intercom)
                .WithStandIn(iadvize, (i, s) => (s["IAdvize:BaseUrl"], s["IAdvize:ApiKey"]) = (i.BaseUrl, IAdvizeStandIn.GoodKey))
                .WithSettings(s => { foreach (var (key, value) in settings) s[key.Replace("__", ":")] = value; })
                .StartAsync();

            var address = pipeline.Host.Client.BaseAddress!;
            // curl's progress meter (shown when its output is not a terminal) would bury real errors in stderr.
            await File.WriteAllTextAsync(Path.Combine(directory, ".curlrc"), "silent\nshow-error\n");
            var (_, output, errors) = await Bash.RunAsync(tour.Script(tour.Steps, $"localhost:{address.Port}"), directory,
                new Dictionary<string, string> { ["CURL_HOME"] = directory }, TimeSpan.FromSeconds(90));

            var outputs = tour.OutputsOf(tour.Steps, output);
            var differences = tour.Steps
                .Select(step => (step, got: outputs.GetValueOrDefault(step.Number)))
                .Where(x => x.got is null || !ReadmeTour.Matches(x.step.Answer ?? "", x.got))
                .Select(x => $"step {x.step.Number}: {x.step.Command}\n  README: {x.step.Answer ?? "(nothing)"}\n  came:   {x.got ?? "(the tour stopped before it)"}")
                .ToList();
            Assert.True(differences.Count == 0, string.Join("\n", differences) + "\nstderr:\n" + errors);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>What the setup block exports: the environment after it, less the environment before.</summary>
    private static async Task<Dictionary<string, string>> SettingsOfAsync(ReadmeTour tour, string directory)
    {
        var before = Environment(await Bash.RunAsync("env -0", directory));
        var after = Environment(await Bash.RunAsync(string.Join("\n", tour.Setup.Select(s => s.Command)) + "\nprintf '\\0'; env -0", directory));
        return after.Where(kv => kv.Key != "_" && (!before.TryGetValue(kv.Key, out var old) || old != kv.Value)).ToDictionary();

        static Dictionary<string, string> Environment((int ExitCode, string Output, string Errors) run) =>
            run.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('=', 2))
                .Where(pair => pair.Length == 2 && !pair[0].Contains('\n'))
                .GroupBy(pair => pair[0])
                .ToDictionary(g => g.Key, g => g.Last()[1]);
    }
}
