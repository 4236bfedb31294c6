using System.Diagnostics;

namespace Pipeline.IntegrationTests;

/// <summary>
/// <c>./run</c> as a newcomer runs it: an Azurite of its own on free ports, one run per clone, an Azurite that dies
/// started again on the same ports (and the app with it), and nothing left running after <c>./run --stop</c>.
/// </summary>
public sealed class RunScriptTests
{
    [Fact]
    public async Task Run_looks_after_its_own_Azurite_refuses_a_second_run_and_leaves_nothing_behind()
    {
        var root = RepositoryRoot.Find();
        var directory = Directory.CreateTempSubdirectory("run-").FullName;
        var port = FreePorts.Next();
        var environment = new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(),
            ["RUN_STATE_DIR"] = Path.Combine(directory, "state"),
            ["RUN_AZURITE_DIR"] = Path.Combine(directory, "azurite"),
        };
        using var http = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            var first = await Bash.RunAsync("./run --detach", root, environment, TimeSpan.FromMinutes(3));
            Assert.True(first.ExitCode == 0, first.Output + first.Errors);
            var started = State(directory);
            Assert.DoesNotContain("10000", started["AZURITE_PORTS"]); // not Azurite's fixed ports, which another clone may hold
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/health")).StatusCode);

            var second = await Bash.RunAsync("./run --detach", root, environment);
            Assert.Equal(1, second.ExitCode);
            Assert.Contains($"already running in this clone (pid {started["RUN_PID"]}", second.Errors);

            Process.GetProcessById(int.Parse(started["AZURITE_PID"])).Kill();
            await Eventually.TrueAsync(() => State(directory).GetValueOrDefault("AZURITE_PID") is { } pid && pid != started["AZURITE_PID"],
                "./run starts Azurite again", TimeSpan.FromSeconds(30));
            Assert.Equal(started["AZURITE_PORTS"], State(directory)["AZURITE_PORTS"]);
            Assert.Contains("restarting it on the same ports", await File.ReadAllTextAsync(Path.Combine(directory, "state", "run.log")));
            await Eventually.TrueAsync(() => IsHealthyAsync(http), "the app, started again with it, reaches storage", TimeSpan.FromSeconds(60));
            var running = State(directory);

            var stop = await Bash.RunAsync("./run --stop", root, environment, TimeSpan.FromMinutes(1));
            Assert.True(stop.ExitCode == 0, stop.Output + stop.Errors);
            Assert.All(new[] { "RUN_PID", "APP_PID", "AZURITE_PID" }, name => Assert.False(IsRunning(running[name]), $"{name} still runs"));
            Assert.False(File.Exists(Path.Combine(directory, "state", "state")));
        }
        finally
        {
            await Bash.RunAsync("./run --stop", root, environment, TimeSpan.FromMinutes(1));
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<bool> IsHealthyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync("api/health")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false; // between the app's stop and its start again
        }
    }

    private static Dictionary<string, string> State(string directory)
    {
        var path = Path.Combine(directory, "state", "state");
        return File.Exists(path)
            ? File.ReadAllLines(path).Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1])
            : [];
    }

    private static bool IsRunning(string pid)
    {
        try
        {
            using var process = Process.GetProcessById(int.Parse(pid));
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
    }
}
