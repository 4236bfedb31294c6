using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.Intercom;

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

    public static TheoryData<int> ExampleIndexes() => new(Enumerable.Range(0, IntercomServiceContract.Examples().Count));

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

    [Theory]
    [MemberData(nameof(ExampleIndexes))]
    public async Task Every_example_call_of_the_seed_succeeds_and_reaches_Intercom_as_mapped(int index)
    {
        var example = IntercomServiceContract.Examples()[index];
        var site = PipelineFixture.NewSiteId();
        var body = example.Fields.ToDictionary(f => f.Key, f => f.Key == "site_id" ? site : f.Value);

        var response = await Host.PostJsonAsync("api" + example.Path, JsonSerializer.Serialize(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.TrueAsync(() => fixture.Intercom.CompanyCalls(site).Count == 1, $"{example.Path} reaches Intercom");
        var attributes = fixture.Intercom.CompanyCalls(site)[0].GetProperty("custom_attributes");
        var recorded = (await fixture.EventsOf(site)).Single();
        var segment = PushSegments.Find(recorded.GetString("Type")["push.".Length..])!;
        var expected = IntercomMapping.CompanyAttributes(segment, JsonDocument.Parse(recorded.GetString("Data")).RootElement);
        Assert.NotEmpty(expected);
        foreach (var (name, value) in expected)
            Assert.Equal(value.GetRawText(), attributes.GetProperty(name).GetRawText());
    }

    [Fact]
    public async Task An_unknown_segment_is_a_404_listing_the_valid_ones()
    {
        var response = await Host.PostJsonAsync("api/push/trial_started", """{"site_id":"1"}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var valid = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetProperty("valid");
        Assert.Equal(PushSegments.Names, valid.EnumerateArray().Select(v => v.GetString()));
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
