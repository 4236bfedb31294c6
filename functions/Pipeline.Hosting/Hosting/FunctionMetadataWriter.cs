namespace Pipeline.Functions.Hosting;

/// <summary>
/// Generates the <c>function.json</c> files the Functions host needs, from the C# declarations, the way the
/// isolated-worker SDK generates its metadata: <c>Pipeline.Functions write-function-metadata &lt;app-root&gt;</c>.
/// </summary>
public static class FunctionMetadataWriter
{
    public const string ServiceBusConnection = Messaging.MessagingModule.ServiceBusConnection;

    public static string ToFunctionJson(FunctionBindings definition) => RequestBodies.Json(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("bindings");
        switch (definition.Trigger)
        {
            case HttpRoute http:
                w.WriteStartObject();
                w.WriteString("type", "httpTrigger");
                w.WriteString("direction", "in");
                w.WriteString("name", http.BindingName);
                w.WriteString("authLevel", http.AuthLevel.ToString().ToLowerInvariant());
                w.WriteStartArray("methods");
                foreach (var method in http.Methods) w.WriteStringValue(method.ToLowerInvariant());
                w.WriteEndArray();
                w.WriteString("route", http.Route);
                w.WriteEndObject();
                w.WriteStartObject();
                w.WriteString("type", "http");
                w.WriteString("direction", "out");
                w.WriteString("name", HttpRoute.ResponseBindingName);
                w.WriteEndObject();
                break;
            case MessageTrigger queue:
                w.WriteStartObject();
                w.WriteString("type", "serviceBusTrigger");
                w.WriteString("direction", "in");
                w.WriteString("name", queue.BindingName);
                if (queue.Subscription is { } subscription)
                {
                    w.WriteString("topicName", queue.QueueName);
                    w.WriteString("subscriptionName", subscription);
                }
                else
                {
                    w.WriteString("queueName", queue.QueueName);
                }
                w.WriteString("connection", ServiceBusConnection);
                // A custom handler cannot settle messages itself: success completes, a non-2xx answer abandons.
                w.WriteBoolean("autoCompleteMessages", true);
                w.WriteEndObject();
                break;
            case TimerSchedule timer:
                w.WriteStartObject();
                w.WriteString("type", "timerTrigger");
                w.WriteString("direction", "in");
                w.WriteString("name", timer.BindingName);
                w.WriteString("schedule", $"%{timer.ScheduleSetting}%");
                w.WriteBoolean("runOnStartup", false);
                w.WriteBoolean("useMonitor", true);
                w.WriteEndObject();
                break;
        }
        // No serviceBus output bindings: a custom handler's output carries a body only (no message id, no
        // properties, no schedule), so the app sends through Azure.Messaging.ServiceBus itself (IMessagePublisher).
        w.WriteEndArray();
        w.WriteEndObject();
    });

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
