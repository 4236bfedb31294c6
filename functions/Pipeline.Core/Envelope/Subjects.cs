namespace Pipeline.Functions.Envelope;

/// <summary>How envelope subjects are written, so that one site's events share a partition whatever sent them.</summary>
public static class Subjects
{
    public const string SitePrefix = "site:";

    public static string Site(string siteId) => SitePrefix + siteId;

    public static string? SiteId(string subject) =>
        subject.StartsWith(SitePrefix, StringComparison.Ordinal) ? subject[SitePrefix.Length..] : null;
}
