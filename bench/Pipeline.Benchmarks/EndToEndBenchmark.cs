using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Pipeline.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Pipeline.Benchmarks;

/// <summary>
/// The pipeline's speed targets measured through the real local host, Azurite and an Intercom stand-in:
/// push → Intercom latency (target: under 2 s), 201 → searchable latency (target: under 2 s), and ingest and
/// end-to-end throughput. Prints a Markdown table for the README.
/// </summary>
public static class EndToEndBenchmark
{
    private const string AppKey = "bench-app";

    public static async Task RunAsync(TextWriter output)
    {
        await using var azurite = await Azurite.StartAsync();
        using var intercom = WireMockServer.Start();
        intercom.Given(Request.Create().WithPath("/companies").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"type":"company","id":"c"}"""));
        var settings = PipelineHost.DefaultSettings(azurite.ConnectionString, intercom.Url);
        settings["Intercom:TimeoutSeconds"] = "10";
        settings["Tracking:AppKeys:0"] = AppKey;
        await using var host = await PipelineHost.StartLocalAsync(settings, checksAnswers: false);
        while (!(await host.Client.GetAsync("api/health")).IsSuccessStatusCode) await Task.Delay(50);

        await PushLatencyAsync(host, intercom, "warmup", 20, TimeSpan.FromMilliseconds(20));
        // Each row is printed as soon as it is measured: on a machine busy with other work a later part can time out.
        output.WriteLine($"| measure | result |");
        output.WriteLine($"| --- | --- |");
        var latency = await PushLatencyAsync(host, intercom, "latency", 200, TimeSpan.FromMilliseconds(50));
        output.WriteLine($"| push answered 200 → Intercom received it (200 pushes, 20/s) | p50 {latency.P(50)} ms, p95 {latency.P(95)} ms, max {latency.Max()} ms |");
        var searchable = await SearchableLatencyAsync(host, 50);
        output.WriteLine($"| analytics 201 → found by search (50 events, one at a time) | p50 {searchable.P(50)} ms, p95 {searchable.P(95)} ms, max {searchable.Max()} ms |");
        var (accepted, delivered) = await ThroughputAsync(host, intercom, 2000, concurrency: 16);
        output.WriteLine($"| ingest: 2,000 pushes from 16 concurrent clients | {accepted:F0} accepted/s |");
        output.WriteLine($"| end to end: those 2,000 pushes recorded and delivered to Intercom | {delivered:F0} events/s |");
    }

    private static async Task<List<long>> PushLatencyAsync(PipelineHost host, WireMockServer intercom, string prefix, int count, TimeSpan spacing)
    {
        var answeredAt = new Dictionary<string, DateTime>();
        for (var i = 0; i < count; i++)
        {
            var site = $"{prefix}-{i}";
            var response = await host.Client.PostAsync("api/push/cart_recovered",
                new StringContent($$"""{"site_id":"{{site}}","cart_recovered":"{{i}}"}""", Encoding.UTF8, "application/json"));
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"push answered {response.StatusCode}");
            answeredAt[site] = DateTime.UtcNow;
            await Task.Delay(spacing);
        }
        var received = await UntilReceivedAsync(intercom, answeredAt.Keys, TimeSpan.FromSeconds(60));
        return answeredAt.Select(a => (long)(received[a.Key] - a.Value).TotalMilliseconds).Order().ToList();
    }

    private static async Task<(double Accepted, double Delivered)> ThroughputAsync(PipelineHost host, WireMockServer intercom,
        int count, int concurrency)
    {
        var sites = Enumerable.Range(0, count).Select(i => $"load-{i}").ToList();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(sites, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (site, ct) =>
        {
            var response = await host.Client.PostAsync("api/push/emails_sent",
                new StringContent($$"""{"site_id":"{{site}}","emails_sent":"3"}""", Encoding.UTF8, "application/json"), ct);
            if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"push answered {response.StatusCode}");
        });
        var accepted = count / clock.Elapsed.TotalSeconds;
        await UntilReceivedAsync(intercom, sites, TimeSpan.FromMinutes(5));
        return (accepted, count / clock.Elapsed.TotalSeconds);
    }

    private static async Task<List<long>> SearchableLatencyAsync(PipelineHost host, int count)
    {
        var latencies = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var body = $$"""{"customer_id":"bench","lead_id":"L{{i}}","user_id":"U","recording_id":"R","event_type":"view","event_id":"e{{i}}"}""";
            var created = await host.Client.PostAsync("api/v1/lead_analytics", new StringContent(body, Encoding.UTF8, "application/json"));
            if (created.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"create answered {created.StatusCode}");
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var found = await host.Client.GetStringAsync($"api/v1/lead_analytics/search?recording_id=R&customer_id=bench&user_id=U&lead_id=L{i}");
                if (JsonDocument.Parse(found).RootElement.GetProperty("meta").GetProperty("rowCount").GetInt32() == 1) break;
                if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("an analytics event was not found in 30 s");
                await Task.Delay(10);
            }
            latencies.Add(clock.ElapsedMilliseconds);
        }
        return latencies.Order().ToList();
    }

    /// <summary>When the stand-in received the first upsert of each site.</summary>
    private static async Task<Dictionary<string, DateTime>> UntilReceivedAsync(WireMockServer intercom, IEnumerable<string> sites, TimeSpan timeout)
    {
        var wanted = sites.ToHashSet();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var received = new Dictionary<string, DateTime>();
            foreach (var entry in intercom.LogEntries)
            {
                var site = JsonDocument.Parse(entry.RequestMessage!.Body ?? "{}").RootElement.GetProperty("company_id").GetString()!;
                if (wanted.Contains(site) && !received.ContainsKey(site)) received[site] = entry.RequestMessage.DateTime.ToUniversalTime();
            }
            if (received.Count == wanted.Count) return received;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{wanted.Count - received.Count} pushes never reached Intercom");
            await Task.Delay(100);
        }
    }

    private static long P(this List<long> sorted, int percentile) =>
        sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
