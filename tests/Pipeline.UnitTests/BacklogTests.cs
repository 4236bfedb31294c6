using Azure;
using Azure.Messaging.ServiceBus;
using Azure.Messaging.ServiceBus.Administration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Pipeline.Functions.Health;

namespace Pipeline.UnitTests;

/// <summary>Backlogs from Service Bus runtime properties (mocked), and when the sampler calls a backlog growing.</summary>
public sealed class BacklogTests
{
    private static readonly MessagingEntity Intercom = new("intercom");

    [Fact]
    public async Task A_queue_backlog_is_its_active_scheduled_and_dead_lettered_counts()
    {
        var administration = new Mock<ServiceBusAdministrationClient>();
        administration.Setup(a => a.GetQueueRuntimePropertiesAsync("intercom", It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response.FromValue(ServiceBusModelFactory.QueueRuntimeProperties("intercom",
                activeMessageCount: 12, scheduledMessageCount: 3, deadLetterMessageCount: 2), Mock.Of<Response>()));

        var backlog = await new ServiceBusBacklog(administration.Object).ReadAsync(Intercom, CancellationToken.None);

        Assert.Equal(new EntityBacklog(12, 3, 2), backlog);
        Assert.Equal(15, backlog.Waiting);
    }

    [Fact]
    public async Task A_subscription_backlog_has_no_scheduled_count_of_its_own_and_says_why()
    {
        var administration = new Mock<ServiceBusAdministrationClient>();
        administration.Setup(a => a.GetSubscriptionRuntimePropertiesAsync("events", "intercom", It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response.FromValue(ServiceBusModelFactory.SubscriptionRuntimeProperties("events", "intercom",
                activeMessageCount: 5, deadLetterMessageCount: 1), Mock.Of<Response>()));

        var backlog = await new ServiceBusBacklog(administration.Object).ReadAsync(new MessagingEntity("events", "intercom"), CancellationToken.None);

        Assert.Equal(5, backlog.Active);
        Assert.Null(backlog.Scheduled);
        Assert.Equal(1, backlog.DeadLettered);
        Assert.Equal(ServiceBusBacklog.SubscriptionNote, backlog.Note);
        administration.Verify(a => a.GetQueueRuntimePropertiesAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    /// <summary>A reader that answers the counts it is given, one per sample, or throws.</summary>
    private sealed class ScriptedReader(params object[] answers) : IBacklogReader
    {
        private int _next;

        public Task<EntityBacklog> ReadAsync(MessagingEntity entity, CancellationToken cancellationToken) =>
            answers[Math.Min(_next++, answers.Length - 1)] switch
            {
                Exception ex => Task.FromException<EntityBacklog>(ex),
                EntityBacklog backlog => Task.FromResult(backlog),
                var waiting => Task.FromResult(new EntityBacklog(Convert.ToInt64(waiting), 0, 0)),
            };
    }

    private static async Task<BacklogSnapshot> SampleAll(IBacklogReader reader, int samples, int growthSamples = 3)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [BacklogMonitor.GrowthSamplesSetting] = growthSamples.ToString() })
            .Build();
        var monitor = new BacklogMonitor(new MessagingEntities(() => [Intercom]), reader, new FakeTimeProvider(),
            configuration, NullLogger<BacklogMonitor>.Instance);
        for (var i = 0; i < samples; i++) await monitor.SampleAsync(CancellationToken.None);
        return monitor.Latest;
    }

    [Theory]
    [InlineData(new[] { 1, 4, 9, 20 })]
    [InlineData(new[] { 1, 4, 4, 20 })]  // Azurite's approximate count repeats a value between its updates
    public async Task A_backlog_that_never_went_down_over_the_window_and_ended_higher_is_growing_and_named_as_a_problem(int[] waiting)
    {
        var latest = await SampleAll(new ScriptedReader(waiting.Cast<object>().ToArray()), samples: 4);

        var state = Assert.Single(latest.Entities);
        Assert.True(state.Growing);
        Assert.Equal(1, state.GrewFrom);
        Assert.Equal("intercom: backlog kept growing over the last 3 samples, from 1 to 20 waiting", Assert.Single(latest.Problems()));
        Assert.True(latest.Entries()[0].Growing);
    }

    [Theory]
    [InlineData(new[] { 1, 4, 9 })]      // too few samples to say
    [InlineData(new[] { 9, 4, 9, 20 })]  // it was draining in between
    [InlineData(new[] { 5, 5, 5, 5 })]   // a steady backlog is consumers keeping up
    [InlineData(new[] { 0, 0, 0, 2 })]   // a message or two in flight on an idle queue: less than one more a sample
    public async Task Anything_short_of_growth_on_every_sample_is_not_growing(int[] waiting)
    {
        var latest = await SampleAll(new ScriptedReader(waiting.Cast<object>().ToArray()), samples: waiting.Length);

        Assert.False(Assert.Single(latest.Entities).Growing);
        Assert.Empty(latest.Problems());
    }

    [Fact]
    public async Task A_failed_read_is_recorded_and_skipped_so_growth_through_a_struggling_broker_still_shows()
    {
        var latest = await SampleAll(new ScriptedReader(1, 2, new RequestFailedException(503, "busy"), 3, 4), samples: 5);

        var state = Assert.Single(latest.Entities);
        Assert.True(state.Growing); // 1, 2, (unknown), 3, 4: four samples seen, never down, ended higher
        Assert.Equal(1, state.GrewFrom);
        Assert.Null(state.Error);

        var failed = await SampleAll(new ScriptedReader(new RequestFailedException(503, "busy")), samples: 1);
        Assert.Contains("busy", Assert.Single(failed.Entities).Error);
        Assert.Empty(failed.Problems()); // not knowing is not a backlog
        Assert.Contains("busy", failed.Entries()[0].Error);
        Assert.DoesNotContain("busy", failed.Entries(withErrors: false)[0].Error ?? ""); // health is anonymous
    }

    [Fact]
    public async Task Dead_letters_are_a_problem_even_when_nothing_else_waits()
    {
        var latest = await SampleAll(new ScriptedReader(new EntityBacklog(0, null, 2, StorageQueueBacklog.Note)), samples: 1);

        Assert.Equal("intercom: 2 dead-lettered message(s)", Assert.Single(latest.Problems()));
        Assert.Equal($$"""[{"entity":"intercom","active":0,"scheduled":null,"dead_lettered":2,"growing":false,"note":"{{StorageQueueBacklog.Note}}","error":null}]""",
            JsonSerializer.Serialize(latest.Entries(), Pipeline.Functions.Health.HealthJson.Default.IReadOnlyListBacklogEntry));
    }

    [Fact]
    public void Receives_degrade_after_three_failures_in_a_row_and_recover_on_a_success()
    {
        var receives = new ReceiveHealth(new FakeTimeProvider());

        receives.ReportReceiveFailed("intercom", "timeout");
        receives.ReportReceiveFailed("intercom");
        Assert.Empty(receives.Failing);
        receives.ReportReceiveFailed("intercom");
        var (entity, failures) = Assert.Single(receives.Failing);
        Assert.Equal("intercom", entity);
        Assert.Equal(3, failures.InARow);
        Assert.Equal("timeout", failures.Reason);

        receives.ReportReceiveSucceeded("intercom");
        Assert.Empty(receives.Failing);
    }
}
