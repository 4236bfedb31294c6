using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.Intercom;

namespace Pipeline.IntegrationTests;

/// <summary>The statistics sweep over thousands of sites in Azurite: GET /api/all, the timer, resume and force.</summary>
public sealed class StatisticsSweepTests : IAsyncLifetime
{
    private const int Changed = 400, Synced = 1000, WithoutStatistics = 600;

    private readonly IntercomStandIn _intercom = new();
    private TestPipeline _pipeline = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    private async Task<PipelineHost> StartAsync(Func<TestPipeline.Builder, TestPipeline.Builder>? configure = null)
    {
        var builder = TestPipeline.Create().WithIntercom(_intercom);
        _pipeline = await (configure?.Invoke(builder) ?? builder).StartAsync();
        return _pipeline.Host;
    }

    [Fact]
    public async Task A_sweep_syncs_exactly_the_sites_whose_statistics_changed_and_a_second_finds_nothing()
    {
        var host = await StartAsync();
        await SeedSitesAsync(host);

        var first = await StartAsync(host, "api/all");
        Assert.Equal("ok", first.GetProperty("content").GetString());
        Assert.Equal("started", first.GetProperty("status").GetString());
        var done = await UntilDoneAsync(host, first.GetProperty("sweepId").GetGuid());
        Assert.Equal(Changed, done.Enqueued);
        Assert.True(done.Pages >= (Changed + Synced) / StatisticsSweep.PageSize); // sites without statistics are not in its table

        await Eventually.TrueAsync(() => Enumerable.Range(0, Changed).All(i => _intercom.CompanyCalls($"changed-{i}").Count == 1),
            "every changed site reaches Intercom", TimeSpan.FromSeconds(60));
        Assert.Empty(_intercom.CompanyCalls("synced-0"));
        Assert.Empty(_intercom.CompanyCalls("bare-0"));
        var stats = _intercom.CompanyCalls("changed-7")[0].GetProperty("custom_attributes");
        Assert.Equal(7, stats.GetProperty("stats_abandoned_carts").GetInt32());
        Assert.Equal(0.5, stats.GetProperty("stats_open_rate").GetDouble());
        await Eventually.TrueAsync(async () => (await host.Table(IntercomCompanies.TableName).GetEntityAsync<TableEntity>("changed-7", ""))
                .Value.GetString(IntercomCompanies.Columns.SyncedStatisticsEventId) == EventIdOf(7).ToString(),
            "the site is marked synced");

        var second = await StartAsync(host, "api/all");
        var secondDone = await UntilDoneAsync(host, second.GetProperty("sweepId").GetGuid());
        Assert.Equal(0, secondDone.Enqueued);

        var forced = await StartAsync(host, "api/all?force=true");
        Assert.True(forced.GetProperty("force").GetBoolean());
        Assert.Equal(Changed + Synced, (await UntilDoneAsync(host, forced.GetProperty("sweepId").GetGuid())).Enqueued);
        await Eventually.TrueAsync(() => _intercom.CompanyCalls("synced-3").Count == 1 && _intercom.CompanyCalls("changed-3").Count == 2,
            "a forced sweep resends sites Intercom already had", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Two_sweeps_never_run_at_once_and_a_stalled_one_is_resumed()
    {
        var host = await StartAsync(p => p.AsCustomHandler());
        var sweep = host.Services.GetRequiredService<StatisticsSweep>();

        var starts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => sweep.StartAsync(false, CancellationToken.None)));

        Assert.Single(starts, s => s.Outcome == StatisticsSweep.StartOutcome.Started);
        Assert.Single(starts.Select(s => s.State.SweepId).Distinct());

        // No progress for longer than StalledAfter: the next start resumes it where it stopped.
        var table = host.Table(Pipeline.Functions.Intercom.StatisticsSweep.TableName);
        var row = (await table.GetEntityAsync<TableEntity>("statistics", "current")).Value;
        row["UpdatedAt"] = DateTimeOffset.UtcNow - StatisticsSweep.StalledAfter - TimeSpan.FromMinutes(1);
        row["Continuation"] = "token-of-page-3";
        await table.UpdateEntityAsync(row, row.ETag);

        var (resumed, outcome) = await sweep.StartAsync(false, CancellationToken.None);
        Assert.Equal(StatisticsSweep.StartOutcome.Resumed, outcome);
        Assert.Equal(starts[0].State.SweepId, resumed.SweepId);
        Assert.Equal("token-of-page-3", resumed.Continuation);
    }

    [Fact]
    public async Task A_force_asked_of_a_sweep_running_without_it_is_answered_as_not_applied()
    {
        var host = await StartAsync();
        var sweep = host.Services.GetRequiredService<StatisticsSweep>();
        // A sweep without force in mid-run: started, its first page not yet taken (no page message is queued).
        var (running, _) = await sweep.StartAsync(false, CancellationToken.None);

        var forced = await StartAsync(host, "api/all?force=true");
        var plain = await StartAsync(host, "api/all");

        Assert.Equal("already running", forced.GetProperty("status").GetString());
        Assert.Equal(running.SweepId, forced.GetProperty("sweepId").GetGuid());
        Assert.False(forced.GetProperty("force").GetBoolean());
        var message = forced.GetProperty("message").GetString()!;
        Assert.StartsWith("force=true was not applied", message);
        Assert.Contains(running.SweepId.ToString(), message);
        Assert.Equal("already running", plain.GetProperty("status").GetString());
        Assert.False(plain.TryGetProperty("message", out _)); // nothing was asked that was not done
    }

    [Fact]
    public async Task The_timer_runs_the_sweep_on_its_schedule()
    {
        var host = await StartAsync(p => p.With("Intercom:StatisticsSweepSchedule", "*/2 * * * * *"));
        await host.Table(SiteStatistics.TableName).AddEntityAsync(StatisticsRow("timer-site", 3));

        await Eventually.TrueAsync(() => _intercom.CompanyCalls("timer-site").Count == 1, "the timer's sweep syncs the site",
            TimeSpan.FromSeconds(20));
    }

    private static async Task<JsonElement> StartAsync(PipelineHost host, string path)
    {
        var response = await host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static async Task<SweepState> UntilDoneAsync(PipelineHost host, Guid sweepId)
    {
        var sweep = host.Services.GetRequiredService<StatisticsSweep>();
        SweepState? state = null;
        await Eventually.TrueAsync(async () => (state = await sweep.ReadAsync(CancellationToken.None)) is { Status: SweepState.Done } s
                                               && s.SweepId == sweepId, "the sweep is done", TimeSpan.FromSeconds(60));
        return state!;
    }

    private static async Task SeedSitesAsync(PipelineHost host)
    {
        // The push API keeps each site's latest statistics; Intercom's own table says which of them it has.
        var statistics = host.Table(SiteStatistics.TableName);
        var companies = host.Table(IntercomCompanies.TableName);
        var rows = Enumerable.Range(0, Changed).Select(i => (statistics, StatisticsRow($"changed-{i}", i)))
            .Concat(Enumerable.Range(0, Synced).SelectMany(i => new[]
            {
                (statistics, StatisticsRow($"synced-{i}", i)), (companies, SyncedRow($"synced-{i}", i)),
            }))
            .Concat(Enumerable.Range(0, WithoutStatistics).Select(i =>
                (companies, new TableEntity($"bare-{i}", "") { [IntercomCompanies.Columns.SiteId] = $"bare-{i}" })));
        await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (row, ct) => await row.Item1.AddEntityAsync(row.Item2, ct));
    }

    private static Guid EventIdOf(int i) => new($"01938a5e-0000-7000-8000-{i:D12}");

    private static readonly DateTimeOffset StatisticsAt = DateTimeOffset.UtcNow.AddMinutes(-30);

    private static TableEntity StatisticsRow(string site, int i) => new(site, "")
    {
        [SiteStatistics.Columns.SiteId] = site,
        [SiteStatistics.Columns.Statistics] = $$"""{"site_id":"{{site}}","abandoned_carts":{{i}},"open_rate":0.5,"currency_symbol":"$"}""",
        [SiteStatistics.Columns.EventId] = EventIdOf(i).ToString(),
        [SiteStatistics.Columns.At] = StatisticsAt,
    };

    private static TableEntity SyncedRow(string site, int i) => new(site, "")
    {
        [IntercomCompanies.Columns.SiteId] = site,
        [IntercomCompanies.Columns.SyncedStatisticsEventId] = EventIdOf(i).ToString(),
        [IntercomCompanies.Columns.SyncedStatisticsAt] = StatisticsAt,
    };
}
