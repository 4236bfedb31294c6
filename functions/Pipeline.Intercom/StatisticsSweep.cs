using Azure;
using Pipeline.Functions.GhostMonitor;

namespace Pipeline.Functions.Intercom;

/// <summary>The state of the statistics sweep: one row, so that two sweeps never run at once.</summary>
public sealed record SweepState(Guid SweepId, string Status, bool Force, string? Continuation, int Pages, int Enqueued,
    DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, ETag ETag)
{
    public const string Running = "running";
    public const string Done = "done";
}

/// <summary>
/// The statistics sweep (seed 000's <c>GET /all</c>): pages through every site's latest statistics push (the push
/// API's <see cref="SiteStatistics"/>) with continuation tokens, one page per message on <c>statistics-sweep</c>, and
/// publishes a <see cref="StatisticsResent"/> for each site whose latest statistics Intercom does not have yet
/// (<see cref="IntercomCompanies"/>), or for every one when forced. Progress is saved after every page, so a sweep
/// that stops (a crash, a lost message) is resumed from its last page by the next start or timer tick.
/// </summary>
public sealed class StatisticsSweep(StorageAccount storage, SiteStatistics statistics, IntercomCompanies companies, TimeProvider clock)
{
    public const int PageSize = 500;

    /// <summary>A running sweep with no progress for this long is taken to have stopped, and is resumed.</summary>
    public static readonly TimeSpan StalledAfter = TimeSpan.FromMinutes(5);

    public const string QueueName = "statistics-sweep";

    private const string PartitionKey = "statistics";
    private const string RowKey = "current";

    /// <summary>This module's table, registered in its <c>Add…()</c>.</summary>
    public const string TableName = "Sweeps";

    private TableClient Table => storage.Table(TableName);

    public enum StartOutcome { Started, AlreadyRunning, Resumed }

    /// <summary>Starts a sweep unless one is running; resumes one that stalled. The caller sends the page message.</summary>
    public async Task<(SweepState State, StartOutcome Outcome)> StartAsync(bool force, CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = await ReadAsync(cancellationToken);
            var now = clock.GetUtcNow();
            if (current is { Status: SweepState.Running })
            {
                if (now - current.UpdatedAt < StalledAfter) return (current, StartOutcome.AlreadyRunning);
                var resumed = current with { UpdatedAt = now };
                if (await TryWriteAsync(resumed, current.ETag, cancellationToken) is { } written) return (written, StartOutcome.Resumed);
                continue;
            }
            var fresh = new SweepState(Guid.CreateVersion7(now), SweepState.Running, force, null, 0, 0, now, now, default);
            if (await TryWriteAsync(fresh, current?.ETag, cancellationToken) is { } started) return (started, StartOutcome.Started);
        }
    }

    /// <summary>
    /// Runs the page a message names. A message for another sweep, or for a page already done, changes nothing.
    /// </summary>
    public async Task<SweepPageRun> RunPageAsync(SweepPage page, CancellationToken cancellationToken)
    {
        var state = await ReadAsync(cancellationToken);
        if (state is null || state.SweepId != page.SweepId || state.Status != SweepState.Running || state.Continuation != page.Continuation)
            return new SweepPageRun(null, [], $"sweep page {page.SweepId}/{page.Continuation ?? "start"} is stale; skipped");

        var (rows, next) = await statistics.PageAsync(page.Continuation, PageSize, cancellationToken);
        // Both tables are keyed by the site id: what Intercom has of this page's sites is one range query.
        var synced = rows.Count == 0 ? [] : await companies.RangeAsync(rows[0].SiteId, rows[^1].SiteId, cancellationToken);
        var syncs = rows.Where(s => StatisticsResent.NeedsSync(s, synced.GetValueOrDefault(s.SiteId), state.Force))
            .Select(site => StatisticsResent.CreateEnvelope(site, state.Force, clock).ToJson())
            .ToList();
        var enqueued = syncs.Count;

        var advanced = state with
        {
            Continuation = next,
            Status = next is null ? SweepState.Done : SweepState.Running,
            Pages = state.Pages + 1,
            Enqueued = state.Enqueued + enqueued,
            UpdatedAt = clock.GetUtcNow(),
        };
        if (await TryWriteAsync(advanced, state.ETag, cancellationToken) is null)
            throw new InvalidOperationException($"sweep {state.SweepId} changed while page {page.Continuation ?? "start"} ran; retrying");
        return new SweepPageRun(next is null ? null : new SweepPage(state.SweepId, next), syncs,
            $"sweep {state.SweepId} page {advanced.Pages}: {rows.Count} sites, {enqueued} syncs" +
            (next is null ? $"; done, {advanced.Enqueued} syncs in all" : ""));
    }

    public async Task<SweepState?> ReadAsync(CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(PartitionKey, RowKey, cancellationToken: cancellationToken);
        if (!response.HasValue) return null;
        var e = response.Value!;
        return new SweepState(Guid.Parse(e.GetString("SweepId")), e.GetString("Status"), e.GetBoolean("Force") ?? false,
            e.GetString("Continuation"), e.GetInt32("Pages") ?? 0, e.GetInt32("Enqueued") ?? 0,
            e.GetDateTimeOffset("StartedAt") ?? default, e.GetDateTimeOffset("UpdatedAt") ?? default, e.ETag);
    }

    /// <returns>The state as written, or null when someone else wrote first.</returns>
    private async Task<SweepState?> TryWriteAsync(SweepState state, ETag? expected, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(PartitionKey, RowKey)
        {
            ["SweepId"] = state.SweepId.ToString(),
            ["Status"] = state.Status,
            ["Force"] = state.Force,
            ["Continuation"] = state.Continuation,
            ["Pages"] = state.Pages,
            ["Enqueued"] = state.Enqueued,
            ["StartedAt"] = state.StartedAt,
            ["UpdatedAt"] = state.UpdatedAt,
        };
        return await Table.TryInsertOrReplaceAsync(entity, expected, cancellationToken) is { } written
            ? state with { ETag = written }
            : null;
    }
}

/// <summary>
/// What one page of a sweep sends: the next page when more remain, and a <see cref="StatisticsResent"/> event for each
/// site to sync, which goes out like a recorded event (whoever subscribes to it gets it); and the line it logs.
/// </summary>
public sealed record SweepPageRun(SweepPage? Next, IReadOnlyList<System.Text.Json.JsonElement> Syncs, string Line);

/// <summary>The message that asks for one page of a sweep.</summary>
public sealed record SweepPage(Guid SweepId, string? Continuation = null)
{
    public System.Text.Json.JsonElement ToJson() => System.Text.Json.JsonSerializer.SerializeToElement(this, IntercomJson.Default.SweepPage);

    public static SweepPage Parse(string json) =>
        System.Text.Json.JsonSerializer.Deserialize(json, IntercomJson.Default.SweepPage)
        ?? throw new System.Text.Json.JsonException("message is JSON null, not a sweep page");
}
