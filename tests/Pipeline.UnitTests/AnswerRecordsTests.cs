using Pipeline.Functions.Reportei;

namespace Pipeline.UnitTests;

/// <summary>
/// The answer records written as the hand-built bodies before them were: the figures of get-data (numbers, nulls,
/// rounding, a refused metric without figures) and the escaping of admin answers.
/// </summary>
public sealed class AnswerRecordsTests
{
    [Fact]
    public void A_get_data_answer_keeps_nulls_rounds_to_six_decimals_and_shows_only_the_error_of_a_refused_metric()
    {
        var answer = new Dictionary<string, MetricAnswer>
        {
            ["never"] = new(new MetricNumber(null), null, null),
            ["mean"] = new(new MetricNumber(2.0 / 3), new MetricNumber(5), null),
            ["days"] = new(new List<MetricDay>
            {
                new("2024-03-01", new MetricNumber(1250.5)),
                new("2024-03-02", new SortedDictionary<string, long>(StringComparer.Ordinal) { ["visit"] = 2, ["chat"] = 1 }),
            }, null, null),
            ["bad"] = new(null, null, "unknown reference_key 'x'"),
        };

        Assert.Equal(
            """{"never":{"values":null},"mean":{"values":0.666667,"comparison":5},"days":{"values":[{"date":"2024-03-01","value":1250.5},{"date":"2024-03-02","value":{"chat":1,"visit":2}}]},"bad":{"error":"unknown reference_key 'x'"}}""",
            MetricsQuery.Text(answer));
    }

    [Fact]
    public void An_admin_problem_is_escaped_as_admin_answers_always_were_and_never_cached()
    {
        var request = TestHttpRequestData.Get(new TestFunctionContext(), "https://app.example/api/ops/deliveries?destination=x'y");

        var response = AdminHttp.BadRequest(request, "destination", "unknown destination 'x'y': must be one of intercom");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("no-store", Assert.Single(response.Headers.GetValues("Cache-Control")));
        Assert.Equal("""{"error":"bad_request","field":"destination","message":"unknown destination \u0027x\u0027y\u0027: must be one of intercom"}""",
            TestHttpResponseData.BodyOf(response));
    }
}
