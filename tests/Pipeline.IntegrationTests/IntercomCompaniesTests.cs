using Pipeline.Functions.Intercom;

namespace Pipeline.IntegrationTests;

/// <summary>Intercom's record of a site: one typed read, ETag-conditional writes that re-apply a change over a concurrent one.</summary>
public sealed class IntercomCompaniesTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private IntercomCompanies Sites => fixture.Host.Services.GetRequiredService<IntercomCompanies>();

    [Fact]
    public async Task Changes_made_from_a_stale_read_are_reapplied_on_the_row_as_it_is_never_overwriting_it()
    {
        var id = "site/with?odd#chars-" + Guid.NewGuid().ToString("N")[..8];
        var unread = new CompanyRecord(id);

        // Two writers that both saw no row: the second's insert conflicts, so it reads and applies its change again.
        await Sites.UpdateAsync(id, r => r with { IntercomCompanyId = "company-1" }, CancellationToken.None, current: unread);
        var stale = await Sites.UpdateAsync(id, r => r with { OwnerContactId = "owner-1" }, CancellationToken.None, current: unread);
        // Two writers from one read: the second's ETag no longer matches.
        await Sites.UpdateAsync(id, r => r with { OwnerEmail = "owner@example.com" }, CancellationToken.None, current: stale);
        var last = await Sites.UpdateAsync(id, r => r with { AttributeTimes = r.AttributeTimes.SetItem("cart_recovered", 5) },
            CancellationToken.None, current: stale);

        var stored = (await Sites.FindAsync(id, CancellationToken.None))!;
        Assert.Equal(id, stored.SiteId);
        Assert.Equal("company-1", stored.IntercomCompanyId);
        Assert.Equal("owner-1", stored.OwnerContactId);
        Assert.Equal("owner@example.com", stored.OwnerEmail);
        Assert.Equal(5, stored.AttributeTimes["cart_recovered"]);
        Assert.Equal(stored.ETag, last.ETag);
    }

    [Fact]
    public async Task A_column_the_record_does_not_know_survives_its_writes_and_nothing_is_written_when_nothing_changes()
    {
        var id = PipelineFixture.NewSiteId();
        await fixture.Host.Table(IntercomCompanies.TableName).AddEntityAsync(new TableEntity(id, "") { ["SiteId"] = id, ["AddedByAnotherModule"] = "kept" });

        var read = await Sites.GetAsync(id, CancellationToken.None);
        var unchanged = await Sites.UpdateAsync(id, _ => null, CancellationToken.None, current: read);
        await Sites.UpdateAsync(id, r => r with { IntercomCompanyId = "company-2" }, CancellationToken.None, current: read);

        Assert.Equal(read.ETag, unchanged.ETag);
        var row = (await fixture.Host.Table(IntercomCompanies.TableName).GetEntityAsync<TableEntity>(id, "")).Value;
        Assert.Equal("kept", row.GetString("AddedByAnotherModule"));
        Assert.Equal("company-2", row.GetString(IntercomCompanies.Columns.IntercomCompanyId));
    }
}
