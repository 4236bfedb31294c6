using System.Security.Cryptography;
using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;
using Pipeline.Functions.Hosting.Worker;

namespace Pipeline.UnitTests;

/// <summary>
/// The bridge that runs [Function] methods as the hosts' functions: definitions read from the attributes,
/// parameters bound from the invocation, results turned into the hosts' answers and messages.
/// </summary>
public sealed class WorkerFunctionBridgeTests
{
    public sealed record Job(string Id, int Size);

    public sealed class JobsDone
    {
        [ServiceBusOutput("done")]
        public List<OutputMessage> Done { get; } = [];

        [ServiceBusOutput("audit")]
        public Job? Audit { get; init; }
    }

    public sealed class Samples
    {
        [Function("RunJob")]
        public Task<JobsDone> RunJob([ServiceBusTrigger("recorded", "jobs")] Job job, int deliveryCount, string messageId,
            bool isLastAttempt, FunctionContext context)
        {
            var done = new JobsDone { Audit = job with { Size = job.Size * 2 } };
            var text = $$"""{"id":"{{job.Id}}","delivery":{{deliveryCount}},"last":{{(isLastAttempt ? "true" : "false")}},"function":"{{context.FunctionDefinition.Name}}"}""";
            done.Done.Add(new OutputMessage(JsonDocument.Parse(text).RootElement) { MessageId = $"{messageId}:done" });
            context.GetLogger("RunJob").LogInformation("ran {Job}", job.Id);
            context.GetLogger("RunJob").LogDebug("detail that stays in the app's own logs");
            return Task.FromResult(done);
        }

        /// <summary>Answers with the SHA-256 of the raw body and the bound route value.</summary>
        [Function("Digest")]
        public async Task<HttpResponseData> Digest(
            [HttpTrigger(AuthorizationLevel.Admin, "put", Route = "ops/digest/{id}")] HttpRequestData req, int id)
        {
            var response = req.CreateResponse(HttpStatusCode.Accepted);
            response.Headers.Add("X-Digest", Convert.ToHexString(SHA256.HashData(req.RawBody().Span)));
            await response.WriteAsJsonAsync(new { id, query = req.Query["tag"] });
            response.StatusCode = HttpStatusCode.Accepted;
            return response;
        }

        [Function("Tick")]
        [DefaultSchedule("0 */5 * * * *")]
        [WithoutStorageWait]
        public static void Tick([TimerTrigger("%Samples__TickSchedule%")] TimerInfo timer)
        {
        }
    }

    public sealed class NoMethods
    {
        [Function("Anything")]
        public HttpResponseData Run([HttpTrigger(AuthorizationLevel.Function)] HttpRequestData req) => req.CreateResponse();
    }

    private static readonly ServiceProvider Services = new ServiceCollection()
        .AddSingleton<Samples>()
        .AddSingleton<NoMethods>()
        .AddLogging()
        .Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)))
        .BuildServiceProvider();

    private static readonly Dictionary<string, WorkerFunction> Functions =
        WorkerFunction.Of([new FunctionClass(typeof(Samples))], Services).ToDictionary(f => f.Definition.Name);

    [Fact]
    public void Every_function_method_is_found_and_declared_from_its_attributes()
    {
        Assert.Equal(["Digest", "RunJob", "Tick"], Functions.Keys.Order());

        var job = Functions["RunJob"].Definition;
        Assert.Equal(new MessageTrigger("recorded") { Subscription = "jobs" }, job.Trigger);
        Assert.Equal([new QueueOutput("Done", "done"), new QueueOutput("Audit", "audit")], job.QueueOutputs);
        Assert.True(job.WaitsForStorage);

        var http = Assert.IsType<HttpRoute>(Functions["Digest"].Definition.Trigger);
        Assert.Equal(("ops/digest/{id}", "put", AuthLevel.Admin, "admin/digest/{id}"), (http.Route, http.Methods.Single(), http.AuthLevel, http.LocalAlias));

        var tick = Functions["Tick"].Definition;
        Assert.Equal(new TimerSchedule("Samples__TickSchedule", "0 */5 * * * *"), tick.Trigger);
        Assert.False(tick.WaitsForStorage);
    }

    [Fact]
    public void The_function_json_of_a_method_is_what_the_same_declaration_wrote_before()
    {
        Assert.Equal(
            """{"bindings":[{"type":"serviceBusTrigger","direction":"in","name":"message","topicName":"recorded","subscriptionName":"jobs","connection":"ServiceBusConnection","autoCompleteMessages":true}]}""",
            FunctionMetadataWriter.ToFunctionJson(Functions["RunJob"].Definition));
        Assert.Equal(
            """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"admin","methods":["put"],"route":"ops/digest/{id}"},{"type":"http","direction":"out","name":"res"}]}""",
            FunctionMetadataWriter.ToFunctionJson(Functions["Digest"].Definition));
    }

    [Fact]
    public async Task A_message_binds_as_a_record_with_its_binding_data_by_name_and_outputs_become_messages_and_logs()
    {
        var result = await Functions["RunJob"].InvokeAsync(new Invocation
        {
            FunctionName = "RunJob",
            Message = """{"id":"j-1","size":21}""",
            DeliveryCount = 3,
            MessageId = "m-7",
            IsLastAttempt = true,
        }, CancellationToken.None);

        var done = Assert.Single(result.Messages["Done"]);
        Assert.Equal("m-7:done", done.MessageId);
        Assert.Equal("""{"id":"j-1","delivery":3,"last":true,"function":"RunJob"}""", done.Body.GetRawText());
        var audit = Assert.Single(result.Messages["Audit"]);
        Assert.Equal("""{"id":"j-1","size":42}""", audit.Body.GetRawText());
        Assert.Null(result.Response);
        Assert.Equal(["ran j-1"], result.Logs);
    }

    [Fact]
    public async Task An_http_function_reads_the_raw_bytes_and_its_route_value_and_its_answer_reaches_the_host()
    {
        byte[] body = [0xff, 0x00, 0x7b, 0xc3, 0x28]; // not UTF-8: only the bytes themselves give this digest
        var result = await Functions["Digest"].InvokeAsync(new Invocation
        {
            FunctionName = "Digest",
            Request = new InvocationRequest
            {
                Method = "PUT",
                Url = "https://app.example/api/ops/digest/12?tag=a&tag=b",
                RouteParams = new Dictionary<string, string> { ["id"] = "12" },
                Query = new Dictionary<string, string[]> { ["tag"] = ["a", "b"] },
                RawBody = body,
            },
        }, CancellationToken.None);

        var response = result.Response!;
        Assert.Equal(202, response.StatusCode);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(body)), response.Headers["X-Digest"]);
        Assert.StartsWith("application/json", response.ContentType);
        Assert.Equal("""{"id":12,"query":"a,b"}""", response.Body);
    }

    [Fact]
    public void A_declaration_the_function_json_could_not_carry_fails_at_start_up()
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            WorkerFunction.Of([new FunctionClass(typeof(NoMethods))], Services).ToList());
        Assert.Contains("must name its HTTP methods", failure.Message);
    }
}
