using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.Reportei;
using Pipeline.Functions.Storage;
using Pipeline.Testing;

namespace Pipeline.Benchmarks;

/// <summary>
/// Reportei get-data over a year: 5 metrics, 365 days, on a tracking app with 100,000 events. The year's day rows are
/// computed from 100,000 synthetic envelopes by the projection's own code (<see cref="MetricsRollupProjection.ContributionOf"/>)
/// and written in batches; a sample of real sends then goes through the endpoints and the Recorder on top, and the
/// answer must account for both. Prints a Markdown table for the README.
/// </summary>
public static class MetricsBenchmark
{
    private const string AppKey = "bench-reportei-app";
    private const string Token = "bench-token";
    private const int Events = 100_000;
    private const int Visitors = 5_000;
    private const int Sample = 200;
    private const int Requests = 100;

    public static async Task RunAsync(TextWriter output)
    {
        await using var azurite = await Azurite.StartAsync();
        var settings = PipelineHost.DefaultSettings(azurite.ConnectionString, null);
        settings["Tracking:AppKeys:0"] = AppKey;
        settings["Reportei:Tokens:0"] = Token;
        settings["Admin:ApiKey"] = "bench-admin";
        await using var host = await PipelineHost.StartLocalAsync(settings, checksAnswers: false);
        while (!(await host.Client.GetAsync("api/health")).IsSuccessStatusCode) await Task.Delay(50);

        var integration = Guid.NewGuid();
        var put = new HttpRequestMessage(HttpMethod.Put, $"api/metrics/integrations/{integration}")
        {
            Content = new StringContent($$"""{"tracking_app_key":"{{AppKey}}"}""", Encoding.UTF8, "application/json"),
        };
        put.Headers.Add("X-Api-Key", "bench-admin");
        (await host.Client.SendAsync(put)).EnsureSuccessStatusCode();

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var first = today.AddDays(-364);
        var seedClock = Stopwatch.StartNew();
        var expectedVisits = await SeedAsync(host, first, today);
        var seedSeconds = seedClock.Elapsed.TotalSeconds;

        await SampleAsync(host);
        var request = $$"""
            {"customer_integration":"{{integration}}","start":"{{first:yyyy-MM-dd}}","end":"{{today:yyyy-MM-dd}}","metrics":[
              {"id":"visits","reference_key":"footprints:visits","component":"timeseries_v1"},
              {"id":"sales","reference_key":"footprints:sales","component":"number_v1"},
              {"id":"value","reference_key":"footprints:sales_value","component":"number_v1"},
              {"id":"people","reference_key":"footprints:identified_visitors","component":"number_v1"},
              {"id":"contacts","reference_key":"footprints:contacts","component":"timeseries_v1","dimensions":["action_type"]}]}
            """;

        // The sample is rolled up on top of the seed once the Recorder has taken it.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        long visits;
        while ((visits = (await GetDataAsync(host, request)).GetProperty("visits").GetProperty("values").EnumerateArray()
                   .Sum(d => d.GetProperty("value").GetInt64())) != expectedVisits + Sample)
        {
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"visits {visits}, expected {expectedVisits + Sample} (seed + sample through the Recorder)");
            await Task.Delay(200);
        }

        for (var i = 0; i < 5; i++) await GetDataAsync(host, request);
        var latencies = new List<long>();
        for (var i = 0; i < Requests; i++)
        {
            var watch = Stopwatch.StartNew();
            await GetDataAsync(host, request);
            latencies.Add(watch.ElapsedMilliseconds);
        }
        latencies.Sort();

        // Of which: the one range query of the app's 365 day rows (what the 5 metrics share).
        var rollups = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<MetricsRollups>(host.Services);
        var reads = new List<long>();
        for (var i = 0; i < Requests; i++)
        {
            var watch = Stopwatch.StartNew();
            var rows = await rollups.DaysAsync(RollupScope.TrackingApp, AppKey, first, today, CancellationToken.None);
            reads.Add(watch.ElapsedMilliseconds);
            if (rows.Count != 365) throw new InvalidOperationException($"{rows.Count} day rows read, 365 expected");
        }
        reads.Sort();
        output.WriteLine("| measure | result |");
        output.WriteLine("| --- | --- |");
        output.WriteLine($"| seed: {Events:N0} events rolled up into 365 day rows and written | {seedSeconds:F1} s |");
        output.WriteLine($"| get-data, 5 metrics over 365 days on that app ({Requests} requests, one at a time) | " +
                         $"p50 {P(latencies, 50)} ms, p95 {P(latencies, 95)} ms, max {latencies[^1]} ms |");
        output.WriteLine($"| of which: reading the 365 day rows (one range query, in process) | p50 {P(reads, 50)} ms, p95 {P(reads, 95)} ms |");
    }

    /// <summary>Rolls 100,000 synthetic tracking events up with the projection's code and writes the day rows.</summary>
    /// <returns>How many of them were visits.</returns>
    private static async Task<long> SeedAsync(PipelineHost host, DateOnly first, DateOnly last)
    {
        var random = new Random(42);
        var rows = new Dictionary<DateOnly, TableEntity>();
        long visits = 0;
        var days = last.DayNumber - first.DayNumber + 1;
        string[] actions = ["visit", "visit", "visit", "visit", "sale", "contact", "feedback", "engagement"];
        for (var i = 0; i < Events; i++)
        {
            var day = first.AddDays(random.Next(days));
            var at = new DateTimeOffset(day.ToDateTime(TimeOnly.FromTimeSpan(TimeSpan.FromSeconds(random.Next(86_400)))), TimeSpan.Zero);
            var action = actions[random.Next(actions.Length)];
            if (action == "visit") visits++;
            var identified = random.Next(3) == 0;
            var visitor = identified ? $"uid-{random.Next(Visitors)}" : $"pid-{i}";
            var receipts = action == "sale" ? $$""","receipts":[{"name":"shop","value":{{random.Next(1, 500)}}.5}]""" : "";
            var data = $$"""{"appkey":"{{AppKey}}","uid":"{{visitor}}","uType":"{{(identified ? "c" : "p")}}","actionType":"{{action}}","requestType":"action","aditionalData":{"x":1"""
                       + receipts + "}}";
            var envelope = new EventEnvelope(Guid.CreateVersion7(at), "tracking.web.send", "bench", "visitor:" + visitor, at,
                JsonDocument.Parse(data).RootElement);
            var contribution = MetricsRollupProjection.ContributionOf(envelope)!;
            if (!rows.TryGetValue(day, out var row))
                rows[day] = row = new TableEntity(MetricsRollups.PartitionOf(RollupScope.TrackingApp, AppKey), MetricsRollups.DayKey(day));
            contribution.Apply(row);
        }
        var table = host.Table(Pipeline.Functions.Reportei.MetricsRollups.TableName);
        foreach (var chunk in rows.Values.Chunk(100))
            await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)));
        return visits;
    }

    /// <summary>Visits through the real endpoints: init, then sends, each rolled up by the Recorder.</summary>
    private static async Task SampleAsync(PipelineHost host)
    {
        var init = await host.Client.PostAsync("api/jsapi/init", Form($"appkey={AppKey}&email=bench%40example.com"));
        var uid = JsonDocument.Parse(await init.Content.ReadAsStringAsync()).RootElement.GetProperty("uid").GetString()!;
        await Parallel.ForEachAsync(Enumerable.Range(0, Sample), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            var response = await host.Client.PostAsync("api/jsapi/send",
                Form($"appkey={AppKey}&uid={uid}&uType=c&actionType=visit&requestType=action"), ct);
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"send answered {response.StatusCode}");
        });
    }

    private static async Task<JsonElement> GetDataAsync(PipelineHost host, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/metrics/get-data")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var response = await host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"get-data answered {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static StringContent Form(string body) => new(body, Encoding.UTF8, "application/x-www-form-urlencoded");

    private static long P(List<long> sorted, int percentile) =>
        sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
