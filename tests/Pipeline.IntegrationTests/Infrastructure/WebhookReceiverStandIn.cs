using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>A WireMock.Net stand-in for the receiver of Reportei's metrics callbacks, on 127.0.0.1.</summary>
public sealed class WebhookReceiverStandIn : IDisposable
{
    public WireMockServer Server { get; } = WireMockServer.Start();

    /// <summary>The callback URL of a path, by address (127.0.0.1), as the allow list names it.</summary>
    public string UrlOf(string path) => $"http://127.0.0.1:{Server.Port}{path}";

    public void Answer(string path, int status, string body = "") =>
        Server.Given(Request.Create().WithPath(path).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    /// <summary>Answers each status in turn (the last one from then on).</summary>
    public void AnswerInTurn(string path, params int[] statuses)
    {
        for (var i = 0; i < statuses.Length; i++)
        {
            var given = Server.Given(Request.Create().WithPath(path).UsingPost()).InScenario(path);
            if (i > 0) given = given.WhenStateIs($"after-{i}");
            (i < statuses.Length - 1 ? given.WillSetStateTo($"after-{i + 1}") : given)
                .RespondWith(Response.Create().WithStatusCode(statuses[i]).WithBody($"answer {i + 1}: {statuses[i]}"));
        }
    }

    public sealed record Received(IReadOnlyDictionary<string, string> Headers, string Body);

    public IReadOnlyList<Received> CallsTo(string path) =>
        Server.LogEntries
            .Where(e => e.RequestMessage?.Path == path)
            .OrderBy(e => e.RequestMessage!.DateTime)
            .Select(e => new Received(
                e.RequestMessage!.Headers!.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value.ToArray())),
                e.RequestMessage.Body ?? ""))
            .ToList();

    public void Dispose() => Server.Stop();
}
