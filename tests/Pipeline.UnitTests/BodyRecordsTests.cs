using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Functions.Delivery;
using Pipeline.Functions.IAdvize;
using Pipeline.Functions.Operations;
using Pipeline.Functions.Reportei;

namespace Pipeline.UnitTests;

/// <summary>
/// The fixed-shape request bodies answered exactly as callers know them: status and answer byte for byte for fields
/// of the wrong JSON type, left out, null, unknown, or wrong in more than one way at once (the admin API answers the
/// first in the order its fields are checked, Reportei all of them). Each refusal comes before any store or outside
/// service is used, so the functions run here without them.
/// </summary>
public sealed class BodyRecordsTests
{
    private readonly TestFunctionContext _context = new("Bodies");

    private static string Answer(HttpResponseData response) => $"{(int)response.StatusCode} {TestHttpResponseData.BodyOf(response)}";

    private async Task<string> Replay(string body)
    {
        var replayer = new Replayer(null!, null!, null!, null!, [new ReplayableDestination("intercom")], null!, TimeProvider.System);
        var output = await new StartReplayFunction(replayer, new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero)))
            .Run(TestHttpRequestData.PostJson(_context, "http://localhost/api/ops/replay", body), _context, CancellationToken.None);
        return Answer(output.Response);
    }

    private async Task<string> Requeue(string body)
    {
        var entities = new MessagingEntities(() => [new MessagingEntity("events", "intercom"), new MessagingEntity("intercom")]);
        var deadLetters = new ServiceBusDeadLetters(null!, null!);
        return Answer(await new RequeueDeadLettersFunction(deadLetters, entities)
            .Run(TestHttpRequestData.PostJson(_context, "http://localhost/api/ops/dead-letters/requeue", body), CancellationToken.None));
    }

    private async Task<string> PutIntegration(string body) =>
        Answer(await new MetricsIntegrationFunction(null!).Run(
            new TestHttpRequestData(_context, "PUT", "http://localhost/api/metrics/integrations/6f1c4a52-3f0e-4d4b-9f39-8d0f0e4e2a11",
                Encoding.UTF8.GetBytes(body)), "6f1c4a52-3f0e-4d4b-9f39-8d0f0e4e2a11", CancellationToken.None));

    private async Task<string> GetData(string body) =>
        Answer(await new GetMetricsDataFunction(null!, null!)
            .Run(TestHttpRequestData.PostJson(_context, "http://localhost/api/metrics/get-data", body), CancellationToken.None));

    private async Task<string> GetDataAsync(string body) =>
        Answer((await new GetMetricsDataAsyncFunction(null!, null!, null!, null!)
            .Run(TestHttpRequestData.PostJson(_context, "http://localhost/api/metrics/get-data-async", body), CancellationToken.None)).Response);

    private async Task<string> Verify(string body) =>
        Answer(await new VerifyConnectorFunction(null!)
            .Run(TestHttpRequestData.PostJson(_context, "http://localhost/api/iadvize/verify", body), CancellationToken.None));

    public static TheoryData<string, string> Replays() => new()
    {
        { """{"destination":"intercom","event_ids":{},"force":"no"}""",
            """400 {"error":"bad_request","field":"force","message":"must be true or false"}""" },
        { """{"destination":"intercom","event_ids":[1]}""",
            """400 {"error":"bad_request","field":"event_ids","message":"1 is not an event id (a GUID)"}""" },
        { """{"destination":"intercom","status":null,"dry_run":null,"event_ids":null,"other":[1],"since":"yesterday"}""",
            """400 {"error":"bad_request","field":"since","message":"must be an ISO 8601 time such as 2026-11-23T08:00:00Z"}""" },
        { """{"destination":"intercom","status":"lost"}""",
            """400 {"error":"bad_request","field":"status","message":"must be one of failed, skipped, retrying, any"}""" },
        { """{"destination":"intercom","event_ids":"x"}""",
            """400 {"error":"bad_request","field":"event_ids","message":"must be an array of 1 to 100 event ids"}""" },
        { """{"destination":"intercom","event_ids":[]}""",
            """400 {"error":"bad_request","field":"event_ids","message":"must be an array of 1 to 100 event ids"}""" },
        { """{"destination":"intercom","dry_run":"yes","status":5}""",
            """400 {"error":"bad_request","field":"status","message":"must be a string"}""" },
        { """{"destination":"intercom","until":[1]}""",
            """400 {"error":"bad_request","field":"until","message":"must be a string"}""" },
        { """{"destination":"intercom","subject":{}}""",
            """400 {"error":"bad_request","field":"subject","message":"must be a string"}""" },
        { """{"destination":"intercom","force":1}""",
            """400 {"error":"bad_request","field":"force","message":"must be true or false"}""" },
        { """{"destination":5}""",
            """400 {"error":"bad_request","field":"destination","message":"must be one of intercom"}""" },
        { """{"destination":"intercom","dry_run":"yes"}""",
            """400 {"error":"bad_request","field":"dry_run","message":"must be true or false"}""" },
        { """{"destination":"intercom","status":5}""",
            """400 {"error":"bad_request","field":"status","message":"must be a string"}""" },
        { """{"destination":"intercom","since":true}""",
            """400 {"error":"bad_request","field":"since","message":"must be a string"}""" },
        { """{"destination":"intercom","until":"0001-01-01T00:00:00Z"}""",
            """400 {"error":"bad_request","field":"until","message":"must be no earlier than 1601-01-01T00:00:00.000Z, the earliest time the table store keeps"}""" },
        { """{"destination":"nowhere","dry_run":"yes"}""",
            """400 {"error":"bad_request","field":"destination","message":"unknown destination \u0027nowhere\u0027: must be one of intercom"}""" },
        { """{"destination":"intercom","event_ids":["nope"]}""",
            """400 {"error":"bad_request","field":"event_ids","message":"\u0022nope\u0022 is not an event id (a GUID)"}""" },
    };

    [Theory, MemberData(nameof(Replays))]
    public async Task A_replay_body_is_answered_as_the_admin_API_answers_it(string body, string answer) =>
        Assert.Equal(answer, await Replay(body));

    public static TheoryData<string, string> Requeues() => new()
    {
        { """{"queue":"intercom","message_ids":[null]}""",
            """400 {"error":"bad_request","field":"message_ids","message":"must be an array of 1 to 500 message ids (strings)"}""" },
        { """{"queue":"nope","message_ids":5}""",
            """400 {"error":"bad_request","field":"queue","message":"must be one of events/subscriptions/intercom, intercom"}""" },
        { """{"queue":"intercom","message_ids":[]}""",
            """400 {"error":"bad_request","field":"message_ids","message":"must be an array of 1 to 500 message ids (strings)"}""" },
        { """{"queue":"intercom","message_ids":[1]}""",
            """400 {"error":"bad_request","field":"message_ids","message":"must be an array of 1 to 500 message ids (strings)"}""" },
        { """{"queue":"intercom","message_ids":"m"}""",
            """400 {"error":"bad_request","field":"message_ids","message":"must be an array of 1 to 500 message ids (strings)"}""" },
        { """{}""",
            """400 {"error":"bad_request","field":"queue","message":"must be one of events/subscriptions/intercom, intercom"}""" },
        { """{"queue":5}""",
            """400 {"error":"bad_request","field":"queue","message":"must be one of events/subscriptions/intercom, intercom"}""" },
    };

    [Theory, MemberData(nameof(Requeues))]
    public async Task A_requeue_body_is_answered_as_the_admin_API_answers_it(string body, string answer) =>
        Assert.Equal(answer, await Requeue(body));

    public static TheoryData<string, string> Integrations() => new()
    {
        { """{"site_id":12,"bogus":1,"other":null}""",
            """422 {"message":"the request has invalid fields","errors":{"bogus":"is not a field; use site_id, tracking_app_key, analytics_customer_id, iadvize_website_id","other":"is not a field; use site_id, tracking_app_key, analytics_customer_id, iadvize_website_id"}}""" },
        { $$$"""{"site_id":"{{{new string('x', 257)}}}"}""",
            """422 {"message":"the request has invalid fields","errors":{"site_id":"must be at most 256 characters"}}""" },
        { """{"site_id":""}""",
            """422 {"message":"the request has invalid fields","errors":{"site_id":"must be a non-empty string"}}""" },
        { """{"site_id":true}""",
            """422 {"message":"the request has invalid fields","errors":{"site_id":"must be a non-empty string"}}""" },
        { """{"site_id":{"a":1},"tracking_app_key":[1],"site":"s"}""",
            """422 {"message":"the request has invalid fields","errors":{"site_id":"must be a non-empty string","tracking_app_key":"must be a non-empty string","site":"is not a field; use site_id, tracking_app_key, analytics_customer_id, iadvize_website_id"}}""" },
        { """{"site_id":"  "}""",
            """422 {"message":"the request has invalid fields","errors":{"site_id":"must be a non-empty string"}}""" },
        { "",
            """422 {"message":"the request has invalid fields","errors":{"body":"must name at least one of site_id, tracking_app_key, analytics_customer_id, iadvize_website_id"}}""" },
        { """{"site_id":null}""",
            """422 {"message":"the request has invalid fields","errors":{"body":"must name at least one of site_id, tracking_app_key, analytics_customer_id, iadvize_website_id"}}""" },
    };

    [Theory, MemberData(nameof(Integrations))]
    public async Task An_integration_body_is_answered_as_Reportei_answers_it(string body, string answer) =>
        Assert.Equal(answer, await PutIntegration(body));

    public static TheoryData<string, string> MetricsRequests() => new()
    {
        { """{"customer_integration":"not-a-uuid","start":"2024-01-01","end":"2024-01-02","comparison_start":"2024-01-01","comparison_end":"2023-01-01","metrics":[5,{"id":1,"reference_key":"k","component":"c","metrics":["a",2],"dimensions":"x"},{"id":"a","reference_key":"","component":"c"},{"id":"a","reference_key":"k","component":{},"metrics":null,"dimensions":[null]}]}""",
            """422 {"message":"the request has invalid fields","errors":{"customer_integration":"must be a uuid","comparison_end":"is before the start of the period","metrics[0]":"must be an object with id, reference_key, component, metrics and dimensions","metrics[1].id":"must be a non-empty string","metrics[1].metrics":"must be a list of strings","metrics[1].dimensions":"must be a list of strings","metrics[2].reference_key":"must be a non-empty string","metrics[3].id":"'a' is used by an earlier metric; ids must be unique","metrics[3].component":"must be a non-empty string","metrics[3].dimensions":"must be a list of strings"}}""" },
        { """{"customer_integration":"6f1c4a52-3f0e-4d4b-9f39-8d0f0e4e2a11","start":"2024-01-01","end":"2024-01-02","metrics":{}}""",
            """422 {"message":"the request has invalid fields","errors":{"metrics":"must be a list of metrics"}}""" },
        { "",
            """422 {"message":"the request has invalid fields","errors":{"customer_integration":"is required","start":"is required: an ISO 8601 date (2024-01-31) or date-time","end":"is required: an ISO 8601 date (2024-01-31) or date-time","metrics":"is required: a list of 1 to 50 metrics"}}""" },
        { """{"customer_integration":"6f1c4a52-3f0e-4d4b-9f39-8d0f0e4e2a11","start":"2024-01-01","end":"2027-01-02","metrics":null,"comparison_end":"2024-01-01"}""",
            """422 {"message":"the request has invalid fields","errors":{"end":"makes a period of 1098 days; at most 1096 are answered","comparison_start":"is required with the other comparison date (send both or neither)","metrics":"is required: a list of 1 to 50 metrics"}}""" },
        { """{"customer_integration":5,"start":20240101,"end":"2024-01-02","comparison_start":false,"metrics":"x"}""",
            """422 {"message":"the request has invalid fields","errors":{"customer_integration":"must be a non-empty string","start":"must be an ISO 8601 date (2024-01-31) or date-time (2024-01-31T12:00:00Z)","comparison_start":"must be an ISO 8601 date (2024-01-31) or date-time (2024-01-31T12:00:00Z)","comparison_end":"is required with the other comparison date (send both or neither)","metrics":"must be a list of metrics"}}""" },
        { """{"customer_integration":"6f1c4a52-3f0e-4d4b-9f39-8d0f0e4e2a11","start":"2024-01-01","end":"2024-01-02","metrics":[]}""",
            """422 {"message":"the request has invalid fields","errors":{"metrics":"must hold 1 to 50 metrics, not 0"}}""" },
        { $$$"""{"customer_integration":" ","start":"x","end":null,"metrics":[{"id":"{{{new string('i', 257)}}}","reference_key":null,"component":"c","metrics":["{{{new string('m', 257)}}}"]}]}""",
            """422 {"message":"the request has invalid fields","errors":{"customer_integration":"must be a non-empty string","start":"must be an ISO 8601 date (2024-01-31) or date-time (2024-01-31T12:00:00Z)","end":"is required: an ISO 8601 date (2024-01-31) or date-time","metrics[0].id":"must be at most 256 characters","metrics[0].reference_key":"is required","metrics[0].metrics":"must be a list of strings"}}""" },
    };

    [Theory, MemberData(nameof(MetricsRequests))]
    public async Task A_get_data_body_is_answered_as_Reportei_answers_it(string body, string answer) =>
        Assert.Equal(answer, await GetData(body));

    public static TheoryData<string, string> MetricsJobRequests() => new()
    {
        { """{"start":"2024-01-01"}""",
            """422 {"message":"the request has invalid fields","errors":{"customer_integration":"is required","end":"is required: an ISO 8601 date (2024-01-31) or date-time","metrics":"is required: a list of 1 to 50 metrics","metrics_webhook_url":"is required: the URL the metrics are posted to"}}""" },
        { """{"metrics_webhook_url":5}""",
            """422 {"message":"the request has invalid fields","errors":{"customer_integration":"is required","start":"is required: an ISO 8601 date (2024-01-31) or date-time","end":"is required: an ISO 8601 date (2024-01-31) or date-time","metrics":"is required: a list of 1 to 50 metrics","metrics_webhook_url":"must be a non-empty string"}}""" },
        { """{"metrics_webhook_url":"  ","start":1}""",
            """422 {"message":"the request has invalid fields","errors":{"customer_integration":"is required","start":"must be an ISO 8601 date (2024-01-31) or date-time (2024-01-31T12:00:00Z)","end":"is required: an ISO 8601 date (2024-01-31) or date-time","metrics":"is required: a list of 1 to 50 metrics","metrics_webhook_url":"must be a non-empty string"}}""" },
    };

    [Theory, MemberData(nameof(MetricsJobRequests))]
    public async Task A_get_data_async_body_is_answered_as_Reportei_answers_it(string body, string answer) =>
        Assert.Equal(answer, await GetDataAsync(body));

    public static TheoryData<string, string> ConnectorFields() => new()
    {
        { """[5]""",
            """400 {"error":"bad_request","message":"[0] must be an object with a string id; body must be a JSON array of {\"id\",\"value\",\"fieldType\"} objects"}""" },
        { """[{"id":"api_key","value":null,"fieldType":5}]""",
            """200 {"isValid":false,"message":"api_key: is required: your iAdvize REST API key","fields":[{"id":"api_key","message":"is required: your iAdvize REST API key"}]}""" },
        { """[{"id":"api_key","value":{}}]""",
            """400 {"error":"bad_request","message":"[0].value must be text"}""" },
        { """[{"id":5}]""",
            """400 {"error":"bad_request","message":"[0] must be an object with a string id; body must be a JSON array of {\"id\",\"value\",\"fieldType\"} objects"}""" },
        { """[{"id":"other","value":12},{"id":"more","value":true},{"id":"api_key","value":"x y"}]""",
            """200 {"isValid":false,"message":"other: unknown field; this app only asks for api_key; more: unknown field; this app only asks for api_key; api_key: must be printable ASCII with no spaces or line breaks, as iAdvize issues its keys","fields":[{"id":"other","message":"unknown field; this app only asks for api_key"},{"id":"more","message":"unknown field; this app only asks for api_key"},{"id":"api_key","message":"must be printable ASCII with no spaces or line breaks, as iAdvize issues its keys"}]}""" },
        { """[{"id":""}]""",
            """400 {"error":"bad_request","message":"[0] must be an object with a string id; body must be a JSON array of {\"id\",\"value\",\"fieldType\"} objects"}""" },
        { """[{"value":{},"id":5}]""",
            """400 {"error":"bad_request","message":"[0] must be an object with a string id; body must be a JSON array of {\"id\",\"value\",\"fieldType\"} objects"}""" },
        { """[{"id":"x","value":[1]},{"id":5}]""",
            """400 {"error":"bad_request","message":"[0].value must be text"}""" },
        { """{}""",
            """400 {"error":"bad_request","message":"body must be a JSON array of {\"id\",\"value\",\"fieldType\"} objects"}""" },
    };

    [Theory, MemberData(nameof(ConnectorFields))]
    public async Task A_verify_body_is_answered_as_the_connector_answers_it(string body, string answer) =>
        Assert.Equal(answer, await Verify(body));
}
