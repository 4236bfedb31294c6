namespace Pipeline.Functions.Hosting;

/// <summary>Whether the app runs behind the Azure Functions host (as its custom handler) or as the local host.</summary>
public static class FunctionsHost
{
    /// <summary>The port the Functions host gives its custom handler; set only there.</summary>
    public const string CustomHandlerPortSetting = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public static bool IsCustomHandler(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[CustomHandlerPortSetting]);
}
