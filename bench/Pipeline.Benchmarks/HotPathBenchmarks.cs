using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Pipeline.Functions.Envelope;
using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.Intercom;
using Pipeline.Functions.Tracking;

namespace Pipeline.Benchmarks;

/// <summary>The CPU work an ingest request does before any I/O: validation, typing, the envelope, form parsing.</summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private readonly JsonElement _statistics = JsonDocument.Parse("""
        {"site_id":"42","recovered_revenue":1,"recovered_revenue_2":2,"revenue_with_gm":3,"revenue_without_gm":4,"lost_revenue":5,
         "revenue_growth":6,"started_checkout":7,"abandonment_rate":0.5,"abandoned_carts":8,"identifiable_rate":0.25,
         "abandoned_carts_with_email":9,"conversion_rate":0.1,"carts_recovered":10,"emails_sent":11,"open_rate":0.3,
         "click_rate":0.2,"query_statistics_at":1455801765,"currency_symbol":"$"}
        """).RootElement;

    private readonly JsonElement _signup = JsonDocument.Parse("""
        {"site_id":"42","name":"John Doe","platform":"WooCommerce","sender_email":"john@doe.com",
         "time_spent_on_registration":"5m35s","signup_ended":"Thu Feb 18 2016 14:22:45 GMT+0100 (CET)"}
        """).RootElement;

    private const string SendForm =
        "appkey=571e64183647a855d0sgf3a3&uid=a5c2dd6ebhsgtdr4ca6142a42910a972fecc71aa32ea88a0c681f77395bc218667&uType=c" +
        "&actionType=sale&requestType=action&aditionalData[receipts][0][name]=C%26A&aditionalData[receipts][0][value]=52" +
        "&aditionalData[receipts][1][name]=Adidas&aditionalData[receipts][1][value]=322";

    [Benchmark]
    public JsonElement? ValidateStatistics() => PushValidator.Validate(PushSegments.Find("statistics")!, _statistics).Data;

    [Benchmark]
    public JsonElement? ValidateSignupEnded() => PushValidator.Validate(PushSegments.Find("signup_ended")!, _signup).Data;

    [Benchmark]
    public string EnvelopeToJson() =>
        EventEnvelope.Create("push.statistics", "bench", "site:42", _statistics, TimeProvider.System).ToJson().GetRawText();

    [Benchmark]
    public JsonElement ParseBracketForm() => BracketForm.Parse(SendForm);
}
