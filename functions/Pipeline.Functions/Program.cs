using Pipeline.Functions;
using Pipeline.Functions.Hosting;

if (args is ["write-function-metadata", var appRoot, ..])
{
    // The declarations need the functions' instances, not storage: the app is built but never started.
    await using var declarations = PipelineApp.Build([], builder =>
        builder.Configuration[Pipeline.Functions.Storage.StorageAccount.ConnectionSetting] ??= "UseDevelopmentStorage=true");
    foreach (var path in FunctionMetadataWriter.WriteAll(declarations.Services.GetRequiredService<FunctionCatalog>(), appRoot))
        Console.WriteLine(path);
    return;
}

await PipelineApp.Build(args).RunAsync();
