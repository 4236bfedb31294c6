using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Azure;

namespace Pipeline.Functions.Operations;

/// <summary>A replay's progress, one row of the <c>Replays</c> table (PartitionKey = replay id).</summary>
public sealed record ReplayJob(Guid Id, ReplayRequest Request, string Status, string? Continuation, int Matched, int Queued,
    int Refused, int Pages, IReadOnlyList<ReplayRefusal> Refusals, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, ETag ETag)
{
    public const string Running = "running";
    public const string Done = "done";
    public const int KeptRefusals = 50;

    public ReplayProgress ToAnswer() => new(Id, Status, Request.ToAnswer(), Matched, Queued, Refused, Pages, Refusals,
        AdminHttp.Iso(StartedAt), AdminHttp.Iso(UpdatedAt));
}

/// <summary>The message that asks for the next page of a replay on the <c>replays</c> queue.</summary>
public sealed record ReplayPage(Guid ReplayId, string? Continuation)
{
    public JsonElement ToJson()
    {
        using var document = JsonDocument.Parse(new JsonObject { ["replayId"] = ReplayId.ToString(), ["continuation"] = Continuation }.ToJsonString());
        return document.RootElement.Clone();
    }

    public static ReplayPage Parse(string json)
    {
        var node = JsonNode.Parse(json) ?? throw new JsonException("message is JSON null, not a replay page");
        return new ReplayPage(Guid.Parse(node["replayId"]!.GetValue<string>()), node["continuation"]?.GetValue<string>());
    }
}

/// <summary>
/// What one page of a replay sends: its events, each addressed to the destination's subscription alone, and the next
/// page when more remain; and the line it logs.
/// </summary>
public sealed record ReplayPageRun(IReadOnlyList<OutputMessage> Replayed, ReplayPage? Next, string Line);

/// <summary>
/// Replays deliveries: reads the matching events from the event log, reopens each delivery record (refusing those
/// delivered already unless forced) and sends the events to the destination's queue, where the delivery engine
/// delivers them like any other message. Large replays run a page per message on <c>replays</c>; progress is
/// saved after every page with an ETag-checked write.
/// </summary>
public sealed class Replayer(StorageAccount storage, EventLog eventLog, DeliveryRecords deliveries, DeliveryIndexReader index,
    IEnumerable<ReplayableDestination> destinations, IConfiguration configuration, TimeProvider clock)
{
    public const string PageSizeSetting = "Operations:ReplayPageSize";

    /// <summary>The queue the pages of a replay after its first run on.</summary>
    public const string QueueName = "replays";
    public const int CountCap = 10_000;
    public const int ShownIds = 20;

    private readonly Dictionary<string, ReplayableDestination> _destinations =
        destinations.ToDictionary(d => d.Name, StringComparer.Ordinal);

    /// <summary>This module's table, registered in its <c>Add…()</c>.</summary>
    public const string TableName = "Replays";

    private TableClient Table => storage.Table(TableName);

    public IReadOnlyCollection<string> Destinations => _destinations.Keys;

    private int PageSize => int.TryParse(configuration[PageSizeSetting], out var size) && size > 0 ? size : 100;

    /// <summary>What a replay would do: how many deliveries match, the first ids, how many would be refused.</summary>
    public async Task<ReplayPreview> PreviewAsync(ReplayRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<(Guid Id, string? Refusal)> matched = [];
        var capped = false;
        if (request.EventIds is { } ids)
        {
            foreach (var id in ids)
            {
                var record = await deliveries.FindAsync(id, request.Destination, cancellationToken);
                if (record is null && await eventLog.FindAsync(id, cancellationToken) is null)
                    matched.Add((id, "not in the event log"));
                else if (record is not null && request.Statuses is { } statuses && !statuses.Contains(record.Status))
                    matched.Add((id, $"its delivery is {DeliveryJson.Name(record.Status)}, not {request.Status}"));
                else
                    matched.Add((id, DeliveryRecords.ReopenRefusal(record, request.Force, now)));
            }
        }
        else
        {
            var (rows, wasCapped) = await index.ScanAsync(request.Filter, ["RowKey", "Status", "Replays"], CountCap, cancellationToken);
            capped = wasCapped;
            matched = rows.Select(DeliveryIndexReader.ToRowLoose)
                .Select(r => (r.EventId, DeliveryRecords.ReopenRefusal(
                    new DeliveryRecord(r.EventId, request.Destination, r.Status, 0, null, null, default, now, Replays: r.Replays),
                    request.Force, now)))
                .ToList();
        }
        var refused = matched.Where(m => m.Refusal is not null).ToList();
        return new ReplayPreview(matched.Count, capped, matched.Count - refused.Count, refused.Count,
            matched.Take(ShownIds).Select(m => m.Id).ToList(), Refusals(refused.Take(ShownIds)));
    }

    /// <summary>Creates the replay and runs its first page: the events to send and, if more remain, the next page.</summary>
    public async Task<(ReplayJob Job, ReplayPageRun Run)> StartAsync(ReplayRequest request, int matched,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var job = new ReplayJob(Guid.CreateVersion7(now), request, ReplayJob.Running, null, matched, 0, 0, 0, [], now, now, default);
        job = await WriteAsync(job, null, cancellationToken)
              ?? throw new InvalidOperationException("a replay with a fresh id already exists");
        return await RunPageAsync(job, cancellationToken);
    }

    /// <summary>Runs the page a message names; a message for a finished replay or a page already done changes nothing.</summary>
    public async Task<ReplayPageRun> RunPageAsync(ReplayPage page, CancellationToken cancellationToken)
    {
        var job = await ReadAsync(page.ReplayId, cancellationToken);
        if (job is null || job.Status != ReplayJob.Running || job.Continuation != page.Continuation)
            return new ReplayPageRun([], null, $"replay page {page.ReplayId}/{page.Continuation ?? "start"} is stale; skipped");
        return (await RunPageAsync(job, cancellationToken)).Run;
    }

    public async Task<ReplayJob?> ReadAsync(Guid id, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(id.ToString(), "", cancellationToken: cancellationToken);
        if (!response.HasValue) return null;
        var e = response.Value!;
        return new ReplayJob(id, ReplayRequest.FromJson(JsonNode.Parse(e.GetString("Request"))!), e.GetString("Status"),
            e.GetString("Continuation"), e.GetInt32("Matched") ?? 0, e.GetInt32("Queued") ?? 0, e.GetInt32("Refused") ?? 0,
            e.GetInt32("Pages") ?? 0, JsonSerializer.Deserialize(e.GetString("Refusals") ?? "[]", OperationsJson.Default.IReadOnlyListReplayRefusal) ?? [],
            e.GetDateTimeOffset("StartedAt") ?? default, e.GetDateTimeOffset("UpdatedAt") ?? default, e.ETag);
    }

    private async Task<(ReplayJob Job, ReplayPageRun Run)> RunPageAsync(ReplayJob job, CancellationToken cancellationToken)
    {
        var request = job.Request;
        var destination = _destinations.GetValueOrDefault(request.Destination)
                          ?? throw new InvalidOperationException($"destination {request.Destination} is no longer registered");
        List<(Guid Id, string? Subject)> candidates;
        string? next;
        if (request.EventIds is { } ids)
        {
            candidates = ids.Select(id => (id, (string?)null)).ToList();
            next = null;
        }
        else
        {
            var (rows, continuation) = await index.PageAsync(request.Filter, job.Continuation, PageSize, cancellationToken);
            candidates = rows.Select(r => (r.EventId, r.Subject)).ToList();
            next = continuation;
        }

        var queued = new ConcurrentBag<EventEnvelope>();
        var refused = new ConcurrentBag<(Guid Id, string? Refusal)>();
        await Parallel.ForEachAsync(candidates, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (candidate, ct) =>
            {
                var (envelope, refusal) = await ReopenAsync(job, candidate.Id, candidate.Subject, ct);
                if (envelope is not null) queued.Add(envelope);
                else refused.Add((candidate.Id, refusal));
            });

        var refusals = job.Refusals
            .Concat(Refusals(refused.OrderBy(r => r.Id).Take(Math.Max(0, ReplayJob.KeptRefusals - job.Refusals.Count))))
            .ToList();
        var advanced = job with
        {
            Continuation = next,
            Status = next is null ? ReplayJob.Done : ReplayJob.Running,
            Queued = job.Queued + queued.Count,
            Refused = job.Refused + refused.Count,
            Pages = job.Pages + 1,
            Refusals = refusals,
            UpdatedAt = clock.GetUtcNow(),
        };
        var written = await WriteAsync(advanced, job.ETag, cancellationToken)
                      ?? throw new InvalidOperationException($"replay {job.Id} changed while page {job.Continuation ?? "start"} ran; retrying");

        var replayed = queued.OrderBy(e => e.Id)
            .Select(e => new OutputMessage(e.ToJson()) { MessageId = $"{e.Id}:replay:{job.Id}", To = destination.Name })
            .ToList();
        var line = $"replay {job.Id} page {written.Pages}: {queued.Count} queued for {request.Destination}, {refused.Count} refused" +
                   (next is null ? $"; done, {written.Queued} queued in all" : "");
        return (written, new ReplayPageRun(replayed, next is null ? null : new ReplayPage(job.Id, next), line));
    }

    /// <returns>The envelope to send again, or why not.</returns>
    private async Task<(EventEnvelope? Envelope, string? Refusal)> ReopenAsync(ReplayJob job, Guid id, string? subject,
        CancellationToken cancellationToken)
    {
        var request = job.Request;
        if (request.EventIds is not null && request.Statuses is { } statuses)
        {
            var record = await deliveries.FindAsync(id, request.Destination, cancellationToken);
            if (record is not null && !statuses.Contains(record.Status) && !(record.Status == DeliveryStatus.Replaying && record.ReplayId == job.Id))
                return (null, $"its delivery is {DeliveryJson.Name(record.Status)}, not {request.Status}");
        }
        var envelope = subject is null
            ? await eventLog.FindAsync(id, cancellationToken)
            : await eventLog.ReadAsync(subject, id, cancellationToken);
        if (envelope is null) return (null, "not in the event log, so there is nothing to send again");
        return await deliveries.ReopenAsync(envelope, request.Destination, job.Id, request.Force, cancellationToken) switch
        {
            DeliveryReopening.Reopened => (envelope, null),
            DeliveryReopening.Refused r => (null, r.Reason),
            _ => throw new InvalidOperationException("unknown reopening"),
        };
    }

    private static List<ReplayRefusal> Refusals(IEnumerable<(Guid Id, string? Refusal)> refused) =>
        refused.Select(r => new ReplayRefusal(r.Id, r.Refusal)).ToList();

    /// <returns>The job as written, or null when someone else wrote first.</returns>
    private async Task<ReplayJob?> WriteAsync(ReplayJob job, ETag? expected, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(job.Id.ToString(), "")
        {
            ["Destination"] = job.Request.Destination,
            ["Request"] = JsonSerializer.Serialize(job.Request.ToAnswer(), OperationsJson.Default.ReplayAsked),
            ["Status"] = job.Status,
            ["Continuation"] = job.Continuation,
            ["Matched"] = job.Matched,
            ["Queued"] = job.Queued,
            ["Refused"] = job.Refused,
            ["Pages"] = job.Pages,
            ["Refusals"] = JsonSerializer.Serialize(job.Refusals, OperationsJson.Default.IReadOnlyListReplayRefusal),
            ["StartedAt"] = job.StartedAt,
            ["UpdatedAt"] = job.UpdatedAt,
        };
        return await Table.TryInsertOrReplaceAsync(entity, expected, cancellationToken) is { } written
            ? job with { ETag = written }
            : null;
    }
}
