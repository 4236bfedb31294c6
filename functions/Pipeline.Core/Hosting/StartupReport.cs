namespace Pipeline.Functions.Hosting;

/// <summary>One line of the start-up summary: an area, whether it is on, and why (the setting that turns it on).</summary>
public sealed record StartupLine(string Area, bool On, string Text);

/// <summary>
/// A module's part of the start-up summary: what its settings turn on, and what is off for want of one. Registered
/// in the module's <c>Add…()</c>, so the summary names no module.
/// </summary>
public interface IStartupReport
{
    IEnumerable<StartupLine> Lines();
}
