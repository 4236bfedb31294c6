using System.Reflection;

namespace Pipeline.UnitTests;

/// <summary>
/// The seams the projects draw: the core and the hosting name no module, so a module can be added or removed
/// without touching them. (MSBuild already refuses a cycle; this catches a reference that only points one way.)
/// </summary>
public sealed class ProjectLayoutTests
{
    private static readonly string[] Modules =
        ["Pipeline.GhostMonitor", "Pipeline.Tracking", "Pipeline.Analytics", "Pipeline.Intercom", "Pipeline.IAdvize",
         "Pipeline.Reportei", "Pipeline.Operations", "Pipeline.ApiReference"];

    [Theory]
    [InlineData("Pipeline.Core")]
    [InlineData("Pipeline.Hosting")]
    public void Core_and_hosting_reference_no_module(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        var references = assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.Contains("Pipeline.Core", references.Append(assembly.GetName().Name));
        Assert.Empty(references.Intersect(Modules));
    }

    [Fact]
    public void The_app_composes_every_module()
    {
        var references = typeof(PipelineApp).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.All(Modules, module => Assert.Contains(module, references));
        Assert.Equal("Pipeline.Core", typeof(EventEnvelope).Assembly.GetName().Name);
    }
}
