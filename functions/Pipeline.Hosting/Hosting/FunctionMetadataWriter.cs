namespace Pipeline.Functions.Hosting;

/// <summary>
/// Generates the <c>function.json</c> files the Functions host needs, from the C# declarations, the way the
/// isolated-worker SDK generates its metadata: <c>Pipeline.Functions write-function-metadata &lt;app-root&gt;</c>.
/// </summary>
public static class FunctionMetadataWriter
{
    public const string ServiceBusConnection = Messaging.MessagingModule.ServiceBusConnection;

    public static string ToFunctionJson(FunctionBindings definition) =>
        RequestBodies.Json(new FunctionJson(BindingsOf(definition.Trigger)), FunctionJsonContext.Default.FunctionJson);

    // No serviceBus output bindings: a custom handler's output carries a body only (no message id, no properties, no
    // schedule), so the app sends through Azure.Messaging.ServiceBus itself (IMessagePublisher).
    private static FunctionJsonBinding[] BindingsOf(FunctionTrigger trigger) => trigger switch
    {
        HttpRoute http =>
        [
            new("httpTrigger", "in", http.BindingName)
            {
                AuthLevel = http.AuthLevel.ToString().ToLowerInvariant(),
                Methods = [.. http.Methods.Select(m => m.ToLowerInvariant())],
                Route = http.Route,
            },
            new("http", "out", HttpRoute.ResponseBindingName),
        ],
        MessageTrigger message =>
        [
            new("serviceBusTrigger", "in", message.BindingName)
            {
                TopicName = message.Subscription is null ? null : message.QueueName,
                SubscriptionName = message.Subscription,
                QueueName = message.Subscription is null ? message.QueueName : null,
                Connection = ServiceBusConnection,
                // A custom handler cannot settle messages itself: success completes, a non-2xx answer abandons.
                AutoCompleteMessages = true,
            },
        ],
        TimerSchedule timer =>
        [
            new("timerTrigger", "in", timer.BindingName)
            {
                Schedule = $"%{timer.ScheduleSetting}%",
                RunOnStartup = false,
                UseMonitor = true,
            },
        ],
        _ => throw new InvalidOperationException($"No function.json binding for a {trigger.GetType().Name}."),
    };

    /// <summary>Writes <c>&lt;root&gt;/&lt;FunctionName&gt;/function.json</c> for every function.</summary>
    public static IReadOnlyList<string> WriteAll(FunctionCatalog catalog, string appRoot)
    {
        var written = new List<string>();
        foreach (var function in catalog.All)
        {
            var folder = Path.Combine(appRoot, function.Definition.Name);
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, "function.json");
            using var document = JsonDocument.Parse(ToFunctionJson(function.Definition));
            File.WriteAllText(path, JsonSerializer.Serialize(document.RootElement, PipelineJson.Indented.JsonElement) + "\n");
            written.Add(path);
        }
        return written;
    }
}

/// <summary>A <c>function.json</c>: the function's bindings, as the Functions host reads them.</summary>
public sealed record FunctionJson(IReadOnlyList<FunctionJsonBinding> Bindings);

/// <summary>One binding of a <c>function.json</c>; what its type does not use is left out.</summary>
public sealed record FunctionJsonBinding(string Type, string Direction, string Name)
{
    public string? AuthLevel { get; init; }
    public IReadOnlyList<string>? Methods { get; init; }
    public string? Route { get; init; }
    public string? TopicName { get; init; }
    public string? SubscriptionName { get; init; }
    public string? QueueName { get; init; }
    public string? Connection { get; init; }
    public bool? AutoCompleteMessages { get; init; }
    public string? Schedule { get; init; }
    public bool? RunOnStartup { get; init; }
    public bool? UseMonitor { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FunctionJson))]
internal sealed partial class FunctionJsonContext : JsonSerializerContext;
