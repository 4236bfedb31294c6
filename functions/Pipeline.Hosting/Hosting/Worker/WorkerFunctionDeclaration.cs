using System.Reflection;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Pipeline.Functions.Hosting.Worker;

/// <summary>
/// Reads a <c>[Function]</c> method's attributes into the app's <see cref="FunctionBindings"/> (what function.json
/// and the local host are made from) and the worker's binding metadata. What function.json would say differently
/// from the attributes (a method list left out, sessions, batches) is refused at start-up rather than dropped.
/// </summary>
internal sealed record WorkerFunctionDeclaration(
    FunctionBindings Definition,
    IReadOnlyList<BindingMetadata> Bindings,
    IReadOnlyList<(PropertyInfo Property, QueueOutput Output)> OutputProperties,
    QueueOutput? ReturnOutput)
{
    /// <summary>
    /// The Service Bus attributes are recognised by their names and read by their properties, so that the package's
    /// own attributes, once restorable, replace the ones declared in the core without a change here.
    /// </summary>
    private const string ServiceBusTrigger = "ServiceBusTriggerAttribute";
    private const string ServiceBusOutput = "ServiceBusOutputAttribute";

    public static WorkerFunctionDeclaration Read(MethodInfo method)
    {
        var name = method.GetCustomAttribute<FunctionAttribute>()!.Name;
        var where = $"{method.DeclaringType!.Name}.{method.Name} ([Function(\"{name}\")])";
        var triggers = method.GetParameters()
            .SelectMany(p => p.GetCustomAttributes<TriggerBindingAttribute>())
            .ToList();
        if (triggers.Count != 1) throw new InvalidOperationException($"{where} needs exactly one trigger attribute on a parameter.");
        var trigger = Trigger(triggers[0], method, name, where);

        var bindings = new List<BindingMetadata> { new WorkerBindingMetadata(trigger.BindingName, BindingType(triggers[0]), BindingDirection.In) };
        if (trigger is HttpRoute) bindings.Add(new WorkerBindingMetadata(HttpRoute.ResponseBindingName, "http", BindingDirection.Out));

        var outputs = new List<(PropertyInfo, QueueOutput)>();
        var resultType = WorkerMethodInvoker.ResultType(method.ReturnType);
        if (resultType is not null && !typeof(Microsoft.Azure.Functions.Worker.Http.HttpResponseData).IsAssignableFrom(resultType))
        {
            foreach (var property in resultType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (QueueOrTopic(property.GetCustomAttributes<OutputBindingAttribute>(), where) is not { } queue) continue;
                outputs.Add((property, new QueueOutput(property.Name, queue)));
                bindings.Add(new WorkerBindingMetadata(property.Name, "serviceBus", BindingDirection.Out));
            }
        }
        QueueOutput? returnOutput = null;
        // On the method (as isolated-worker functions write it) or on its return value: the returned value is the message.
        var returnBindings = method.GetCustomAttributes<OutputBindingAttribute>()
            .Concat(method.ReturnParameter.GetCustomAttributes<OutputBindingAttribute>());
        if (QueueOrTopic(returnBindings, where) is { } returnQueue)
        {
            returnOutput = new QueueOutput("$return", returnQueue);
            bindings.Add(new WorkerBindingMetadata(returnOutput.BindingName, "serviceBus", BindingDirection.Out));
        }

        var queueOutputs = outputs.Select(o => o.Item2).Concat(returnOutput is null ? [] : [returnOutput]).ToList();
        var definition = new FunctionBindings(name, trigger, queueOutputs)
        {
            WaitsForStorage = !method.IsDefined(typeof(WithoutStorageWaitAttribute)),
        };
        return new WorkerFunctionDeclaration(definition, bindings, outputs, returnOutput);
    }

    private static FunctionTrigger Trigger(TriggerBindingAttribute attribute, MethodInfo method, string name, string where)
    {
        switch (attribute)
        {
            case HttpTriggerAttribute http:
                if (http.Methods is not { Length: > 0 } methods)
                    throw new InvalidOperationException($"{where} must name its HTTP methods.");
                return new HttpRoute(http.Route ?? name, methods, AuthLevelOf(http.AuthLevel, where));
            case TimerTriggerAttribute timer:
                if (timer.RunOnStartup || !timer.UseMonitor)
                    throw new InvalidOperationException($"{where}: timers run with the monitor and never on start-up.");
                if (!(timer.Schedule is ['%', .. var setting, '%'] && setting.Length > 0))
                    throw new InvalidOperationException($"{where}: the schedule must be an app setting, \"%Setting%\".");
                var fallback = method.GetCustomAttribute<DefaultScheduleAttribute>()?.Schedule
                               ?? throw new InvalidOperationException($"{where} needs [DefaultSchedule] for when {setting} is absent.");
                return new TimerSchedule(setting, fallback);
            case var serviceBus when serviceBus.GetType().Name == ServiceBusTrigger:
                var queue = Read<string>(serviceBus, "QueueName");
                var topic = Read<string>(serviceBus, "TopicName");
                var connection = Read<string>(serviceBus, "Connection");
                if (Read<bool>(serviceBus, "IsBatched") || Read<bool>(serviceBus, "IsSessionsEnabled") || !Read<bool>(serviceBus, "AutoCompleteMessages"))
                    throw new InvalidOperationException($"{where}: a custom handler takes one message at a time, without sessions, completed by its answer.");
                if (connection is not null && connection != FunctionMetadataWriter.ServiceBusConnection)
                    throw new InvalidOperationException($"{where}: the connection is {FunctionMetadataWriter.ServiceBusConnection}.");
                return queue is not null
                    ? new MessageTrigger(queue)
                    : new MessageTrigger(topic ?? throw new InvalidOperationException($"{where} names no queue or topic."))
                    {
                        Subscription = Read<string>(serviceBus, "SubscriptionName"),
                    };
            default:
                throw new InvalidOperationException($"{where}: {attribute.GetType().Name} is not a trigger this app runs.");
        }
    }

    private static string? QueueOrTopic(IEnumerable<OutputBindingAttribute> attributes, string where)
    {
        foreach (var attribute in attributes)
        {
            if (attribute is HttpResultAttribute) continue;
            if (attribute.GetType().Name != ServiceBusOutput)
                throw new InvalidOperationException($"{where}: {attribute.GetType().Name} is not an output this app sends.");
            return Read<string>(attribute, "QueueOrTopicName");
        }
        return null;
    }

    private static AuthLevel AuthLevelOf(AuthorizationLevel level, string where) => level switch
    {
        AuthorizationLevel.Anonymous => AuthLevel.Anonymous,
        AuthorizationLevel.Function => AuthLevel.Function,
        AuthorizationLevel.Admin => AuthLevel.Admin,
        _ => throw new InvalidOperationException($"{where}: authorization level {level} is not one this app uses."),
    };

    private static string BindingType(TriggerBindingAttribute attribute)
    {
        var type = attribute.GetType().Name;
        var name = type.EndsWith("Attribute", StringComparison.Ordinal) ? type[..^"Attribute".Length] : type;
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    private static T? Read<T>(object attribute, string property) =>
        attribute.GetType().GetProperty(property)?.GetValue(attribute) is T value ? value : default;
}
