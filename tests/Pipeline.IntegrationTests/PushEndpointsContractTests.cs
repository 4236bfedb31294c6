using Pipeline.Functions.GhostMonitor;

namespace Pipeline.IntegrationTests;

/// <summary>
/// All 18 push endpoints, with valid and invalid bodies generated from the seed's Definitions tables and example
/// calls, through the local host.
/// </summary>
public sealed class PushEndpointsContractTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private PipelineHost Host => fixture.Host;

    public static TheoryData<string> Endpoints() => new(IntercomServiceContract.BodySchemas().Keys);

    public static TheoryData<string, string> RequiredFields() => Pairs(f => f.Required);

    public static TheoryData<string, string> TypedFields() => Pairs(_ => true);

    private static TheoryData<string, string> Pairs(Func<IntercomServiceContract.Field, bool> which)
    {
        var data = new TheoryData<string, string>();
        foreach (var (path, schema) in IntercomServiceContract.BodySchemas())
            foreach (var field in IntercomServiceContract.Definition(schema).Where(which))
                data.Add(path, field.Name);
        return data;
    }

    [Fact]
    public void The_contract_has_the_18_endpoints_and_the_catalog_matches_every_definition()
    {
        var schemas = IntercomServiceContract.BodySchemas();
        Assert.Equal(18, schemas.Count);
        foreach (var (path, schema) in schemas)
        {
            var segment = PushSegments.Find(path["/push/".Length..]);
            Assert.True(segment is not null, $"{path} has a segment");
            var contractFields = IntercomServiceContract.Definition(schema);
            Assert.NotEmpty(contractFields);
            Assert.All(contractFields, f => Assert.Contains(segment!.Fields, spec => spec.AcceptedNames.Contains(f.Name)));
            Assert.Equal(contractFields.Count, segment!.Fields.Count);
        }
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task A_body_built_from_the_definitions_is_accepted_and_recorded_typed(string path)
    {
        var site = PipelineFixture.NewSiteId();
        var body = ValidBody(path, site);

        var response = await Host.PostJsonAsync("api" + path, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"code":"200","message":"ok"}""", await response.Content.ReadAsStringAsync());
        await Eventually.TrueAsync(async () => (await fixture.EventsOf(site)).Count == 1, "the event is recorded");
        var data = JsonDocument.Parse((await fixture.EventsOf(site))[0].GetString("Data")).RootElement;
        Assert.Equal(site, data.GetProperty("site_id").GetString());
    }

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public async Task A_missing_required_field_is_a_400_naming_it(string path, string field)
    {
        var site = PipelineFixture.NewSiteId();
        var body = JsonDocument.Parse(ValidBody(path, site)).RootElement.EnumerateObject().Where(p => p.Name != field)
            .ToDictionary(p => p.Name, p => p.Value);

        var response = await Host.PostJsonAsync("api" + path, JsonSerializer.Serialize(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message");
        Assert.True(message.EnumerateObject().Any(p => p.Name == Canonical(path, field)), $"{path}: {message} names {field}");
    }

    [Theory]
    [MemberData(nameof(TypedFields))]
    public async Task A_field_of_the_wrong_type_is_a_400_naming_it(string path, string field)
    {
        var site = PipelineFixture.NewSiteId();
        var body = JsonDocument.Parse(ValidBody(path, site)).RootElement.EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Name == field ? InvalidValue(path, field) : p.Value);

        var response = await Host.PostJsonAsync("api" + path, JsonSerializer.Serialize(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{Canonical(path, field)}\"", await response.Content.ReadAsStringAsync());
        Assert.Empty(await fixture.EventsOf(site));
    }

    /// <summary>
    /// What each example call of the seed must set on the site's Intercom company, written out from the README's
    /// mapping table (Thu Feb 18 2016 14:22:45 GMT+0100 is 1455801765 in Unix seconds; 5m35s is 335 s).
    /// </summary>
    public static TheoryData<int, string, string> ExpectedCompanyAttributes() => new()
    {
        { 0, "/push/account_cancelled", """{"account_cancelled_at":1455801765}""" },
        { 1, "/push/cart_recovered", """{"cart_recovered":25}""" },
        { 2, "/push/trial_expired", """{"trial_ends_at":1455801765}""" }, // trial_days_left sent as a date
        { 3, "/push/emails_sent", """{"emails_sent":32}""" },
        { 4, "/push/first_customer_ghost", """{"first_customer_ghost_total":32,"first_customer_ghost_item_count":32,"first_customer_ghost_email":"john@doe.com"}""" },
        { 5, "/push/first_entered", """{"first_entered_at":1455801765}""" },
        { 6, "/push/first_customer_ghost", """{"first_ghost_total":32,"first_ghost_item_count":32,"first_ghost_email":"john@doe.com"}""" },
        { 7, "/push/money_recovered", """{"money_recovered":5000,"money_recovered_currency":"USD"}""" }, // "$ 5000": the symbol as its ISO code
        { 8, "/push/payment_activated", """{"payment_active":true}""" },
        { 9, "/push/payment_deactivated", """{"payment_active":false}""" },
        { 10, "/push/plugin_activated", """{"plugin_active":true}""" },
        { 11, "/push/plugin_deactivated", """{"plugin_active":false}""" },
        { 12, "/push/platform", """{"platform":"WooCommerce","sender_email":"john@doe.com","time_spent_on_registration":335,"signup_ended_at":1455801765}""" },
        { 13, "/push/signup_started", """{"email":"john@doe.com","domain":"http://john-doe.com","signup_started_at":1455801765}""" },
        { 14, "/push/platform", """{"wizard_page_1":23.2}""" },
        { 15, "/push/platform", """{"wizard_page_2":25.4}""" },
        { 16, "/push/platform", """{"wizard_page_2":27.7}""" },
    };

    [Fact]
    public void The_seed_gives_the_example_calls_the_expectations_are_written_for_in_this_order()
    {
        var seed = IntercomServiceContract.Examples().Select(e => e.Path);

        Assert.Equal(ExpectedCompanyAttributes().Select(row => (string)row[1]), seed);
    }

    [Theory]
    [MemberData(nameof(ExpectedCompanyAttributes))]
    public async Task Every_example_call_of_the_seed_succeeds_and_reaches_Intercom_as_mapped(int index, string path, string expectedAttributes)
    {
        var example = IntercomServiceContract.Examples()[index];
        Assert.Equal(path, example.Path);
        var site = PipelineFixture.NewSiteId();
        var body = example.Fields.ToDictionary(f => f.Key, f => f.Key == "site_id" ? site : f.Value);

        var response = await Host.PostJsonAsync("api" + example.Path, JsonSerializer.Serialize(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.TrueAsync(() => fixture.Intercom.CompanyCalls(site).Count == 1, $"{example.Path} reaches Intercom");
        var sent = fixture.Intercom.CompanyCalls(site)[0].GetProperty("custom_attributes");
        var expected = JsonDocument.Parse(expectedAttributes).RootElement;
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name).Order(), sent.EnumerateObject().Select(p => p.Name).Order());
        foreach (var attribute in expected.EnumerateObject())
        {
            var value = sent.GetProperty(attribute.Name);
            Assert.Equal(attribute.Value.ValueKind, value.ValueKind);
            if (value.ValueKind == JsonValueKind.Number) Assert.Equal(attribute.Value.GetDecimal(), value.GetDecimal());
            else Assert.Equal(attribute.Value.GetRawText(), value.GetRawText());
        }
    }

    [Fact]
    public async Task An_unknown_segment_is_a_404_listing_the_valid_ones()
    {
        var response = await Host.PostJsonAsync("api/push/trial_started", """{"site_id":"1"}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var valid = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetProperty("valid");
        // The seed's 18 endpoints, in the order its document lists them.
        Assert.Equal(
        [
            "account_cancelled", "cart_recovered", "days_left", "emails_sent", "first_customer_ghost", "first_entered", "first_ghost",
            "money_recovered", "payment_activated", "payment_deactivated", "plugin_activated", "plugin_deactivated", "signup_ended",
            "signup_started", "statistics", "wizard_page_1", "wizard_page_2", "wizard_page_3",
        ], valid.EnumerateArray().Select(v => v.GetString()));
    }

    /// <summary>A body with every field of the endpoint's Definitions table, each a value of its kind.</summary>
    private static string ValidBody(string path, string site)
    {
        var segment = PushSegments.Find(path["/push/".Length..])!;
        var body = new Dictionary<string, object>();
        foreach (var field in IntercomServiceContract.Definition(IntercomServiceContract.BodySchemas()[path]))
        {
            var spec = segment.Fields.Single(f => f.AcceptedNames.Contains(field.Name));
            body[field.Name] = field.Name == "site_id" ? site : (field.Schema, spec.Kind) switch
            {
                ("integer", _) => 1455801765,
                ("number", _) => 0.25,
                (_, FieldKind.Email) => "john@doe.com",
                (_, FieldKind.Integer) => "32",
                (_, FieldKind.Number) => "23.2",
                (_, FieldKind.Date) => "Thu Feb 18 2016 14:22:45 GMT+0100 (CET)",
                (_, FieldKind.Money) => "$ 5000",
                (_, FieldKind.Duration) => "5m35s",
                (_, FieldKind.DaysOrDate) => "14",
                _ => "value of " + field.Name,
            };
        }
        return JsonSerializer.Serialize(body);
    }

    private static JsonElement InvalidValue(string path, string field)
    {
        var kind = PushSegments.Find(path["/push/".Length..])!.Fields.Single(f => f.AcceptedNames.Contains(field)).Kind;
        return JsonSerializer.SerializeToElement<object>(kind switch
        {
            FieldKind.Text => 12, // the Definitions say string
            FieldKind.Email => "not-an-email",
            FieldKind.Integer => "many",
            FieldKind.Number => "n/a",
            FieldKind.Date => "someday",
            FieldKind.Money => "lots of money",
            FieldKind.Duration => "forever",
            _ => "soon",
        });
    }

    private static string Canonical(string path, string field) =>
        PushSegments.Find(path["/push/".Length..])!.Fields.Single(f => f.AcceptedNames.Contains(field)).Name;
}
