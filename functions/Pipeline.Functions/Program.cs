using Pipeline.Functions;
using Pipeline.Functions.GhostMonitor;
using Pipeline.Functions.Intercom;

// One-off commands use the app's services without starting it (no storage is touched).
if (args is [("write-function-metadata" or "create-intercom-attributes") and var command, ..])
{
    await using var app = PipelineApp.Build([], builder =>
        builder.Configuration[Pipeline.Functions.Storage.StorageAccount.ConnectionSetting] ??= "UseDevelopmentStorage=true");
    if (command == "create-intercom-attributes")
        return await app.Services.GetRequiredService<DataAttributesCommand>().RunAsync(Console.Out, CancellationToken.None);

    if (args.Length < 2)
    {
        Console.Error.WriteLine("usage: Pipeline.Functions write-function-metadata <app-root>");
        return 2;
    }
    foreach (var path in FunctionMetadataWriter.WriteAll(app.Services.GetRequiredService<FunctionCatalog>(), args[1]))
        Console.WriteLine(path);
    return 0;
}

await PipelineApp.Build(args, KeyVaultReferences.IgnoreUnresolved).RunAsync();
return 0;
