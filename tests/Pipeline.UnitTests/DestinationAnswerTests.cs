using Pipeline.Functions.Delivery;
using Pipeline.Functions.Delivery.Http;
using Pipeline.Functions.IAdvize;
using Pipeline.Functions.Intercom;

namespace Pipeline.UnitTests;

/// <summary>Destinations' answer bodies read without throwing, and a 2xx missing what a call returns turned into a refusal.</summary>
public sealed class DestinationAnswerTests
{
    [Theory]
    [InlineData("", "an empty body")]
    [InlineData("  \n", "an empty body")]
    [InlineData("not json", "a body that is not JSON: not json")]
    [InlineData("<html>502</html>", "a body that is not JSON: <html>502</html>")]
    [InlineData("[1]", "a JSON array, not an object: [1]")]
    [InlineData("\"ok\"", "a JSON string, not an object: \"ok\"")]
    [InlineData("null", "a JSON null, not an object: null")]
    [InlineData("{}", "body {}")]
    public void Every_kind_of_body_is_named_and_only_an_object_is_read_as_one(string body, string shape)
    {
        Assert.Equal(shape, AnswerBodies.Shape(body));
        Assert.Equal(body == "{}", AnswerBodies.TryObject(body) is { ValueKind: JsonValueKind.Object });
    }

    [Fact]
    public void A_long_body_is_clipped_without_splitting_a_surrogate_pair()
    {
        var body = new string('x', 199) + "😀" + new string('y', 300);

        var shape = AnswerBodies.Shape(body);

        Assert.EndsWith("x…", shape);
        Assert.DoesNotContain('\uD83D', shape);
    }

    [Theory]
    [InlineData("""{"type":"contact","id":"c-1"}""", "c-1")]
    [InlineData("""{"id":42}""", "42")]
    [InlineData("""{"id":""}""", null)]
    [InlineData("""{"id":null}""", null)]
    [InlineData("""{"id":{"v":1}}""", null)]
    [InlineData("""{"type":"contact"}""", null)]
    [InlineData("""["c-1"]""", null)]
    [InlineData("", null)]
    public void An_Intercom_id_is_a_non_empty_string_or_a_number(string body, string? id) =>
        Assert.Equal(id, IntercomResponse.IdOf(new IntercomResponse(200, body).TryObject()));

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("[]")]
    public void An_Intercom_2xx_without_the_id_is_refused_with_its_status_the_call_and_what_was_missing(string body)
    {
        var refusal = Assert.Throws<RefusedDeliveryException>(() => new IntercomResponse(200, body).RequiredId("POST /contacts", "contact"));

        Assert.Equal(200, refusal.HttpStatus);
        Assert.StartsWith("POST /contacts: Intercom answered 200 without the contact's id (", refusal.Message);
    }

    [Theory]
    [InlineData("[{\"errors\":1}]")]
    [InlineData("""{"type":"error.list","errors":[1,{"code":7,"message":["x"]}]}""")]
    public void An_Intercom_error_of_another_shape_is_still_described(string body)
    {
        var refusal = Assert.Throws<RefusedDeliveryException>(() => new IntercomResponse(400, body).EnsureSuccess("POST /companies"));

        Assert.StartsWith("POST /companies: 400", refusal.Message);
    }

    public static TheoryData<int, string, string> IAdvizeAnswers => new()
    {
        { 200, """{"meta":{"status":"success"},"data":{"id":1}}""", "success" },
        { 200, "", "unreadable" },
        { 200, "not json", "unreadable" },
        { 200, "{}", "unreadable" },
        { 200, """{"meta":{"status":"ok"}}""", "unreadable" },
        { 200, """{"meta":{"status":"fail","message":"bad"}}""", "refusal" },
        { 400, "", "refusal" },
        { 404, """{"meta":{"status":"fail"}}""", "refusal" },
        { 200, """{"meta":{"status":"error","message":"Forbidden"}}""", "transient" },
        { 429, "", "transient" },
        { 503, "not json", "transient" },
    };

    [Theory]
    [MemberData(nameof(IAdvizeAnswers))]
    public void Every_iAdvize_answer_falls_in_exactly_one_class(int status, string body, string expected)
    {
        var answer = IAdvizeAnswer.From(status, body, null);

        var classes = new[]
        {
            ("success", answer.IsSuccess), ("unreadable", answer.IsUnreadable), ("refusal", answer.IsRefusal), ("transient", answer.IsTransient),
        }.Where(c => c.Item2).Select(c => c.Item1);
        Assert.Equal([expected], classes);
    }

    [Theory]
    [InlineData("", "an empty body")]
    [InlineData("not json", "a body that is not JSON: not json")]
    [InlineData("{}", "body {}")]
    public void An_unreadable_iAdvize_2xx_is_refused_not_retried(string body, string shape)
    {
        var refusal = Assert.Throws<RefusedDeliveryException>(() => IAdvizeAnswer.From(200, body, null).EnsureSuccess("POST /visitor"));

        Assert.Equal($"POST /visitor: iAdvize answered 200 without the meta.status its API documents ({shape})", refusal.Message);
    }

    [Theory]
    [InlineData("""{"meta":{"status":"success"}}""")]
    [InlineData("""{"meta":{"status":"success"},"data":{"id":1}}""")]
    public void A_lookup_success_without_its_list_is_refused(string body) =>
        Assert.Contains("without the data list of visitors",
            Assert.Throws<RefusedDeliveryException>(() => IAdvizeAnswer.From(200, body, null).FirstVisitor("GET /visitor?filters[unique_id]")).Message);

    [Fact]
    public void A_lookup_with_an_empty_list_found_no_one() =>
        Assert.Null(IAdvizeAnswer.From(200, """{"meta":{"status":"success"},"data":[]}""", null).FirstVisitor("GET /visitor?filters[unique_id]"));
}
