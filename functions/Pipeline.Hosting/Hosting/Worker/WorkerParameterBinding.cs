using System.Reflection;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Pipeline.Functions.Hosting.Worker;

/// <summary>
/// How each parameter of a <c>[Function]</c> method gets its value, decided at start-up: the request, the context,
/// the cancellation token, the timer, the triggering message (text, JSON, or a typed record), and binding data by the
/// parameter's name (an HTTP route value; a message's <c>DeliveryCount</c>, <c>MessageId</c>,
/// <c>ApplicationProperties</c>; the retry model's <c>Attempt</c> and <c>IsLastAttempt</c>).
/// </summary>
internal static class WorkerParameterBinding
{
    /// <summary>Typed messages are read as the app writes them: camelCase, nulls left out.</summary>
    internal static readonly JsonSerializerOptions MessageJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = PipelineJson.Encoder,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static Func<InvocationFunctionContext, object?> For(ParameterInfo parameter, FunctionTrigger trigger)
    {
        var type = parameter.ParameterType;
        var where = $"{parameter.Member.DeclaringType!.Name}.{parameter.Member.Name}({parameter.Name})";
        if (type.IsAssignableFrom(typeof(InvocationHttpRequest)) && type != typeof(object))
        {
            if (trigger is not HttpRoute) throw new InvalidOperationException($"{where}: only an HTTP function gets a request.");
            return context => context.HttpRequest;
        }
        if (type == typeof(FunctionContext)) return context => context;
        if (type == typeof(CancellationToken)) return context => context.CancellationToken;
        if (type == typeof(TimerInfo)) return _ => new TimerInfo();
        if (parameter.IsDefined(typeof(TriggerBindingAttribute))) return Message(type, where);

        return trigger switch
        {
            HttpRoute => RouteValue(parameter, where),
            MessageTrigger => MessageData(parameter, where),
            _ => throw new InvalidOperationException($"{where}: nothing binds to this parameter."),
        };
    }

    private static Func<InvocationFunctionContext, object?> Message(Type type, string where)
    {
        if (type == typeof(string)) return context => context.Invocation.Message;
        if (type == typeof(JsonElement)) return context => RequestBodies.ParseJson(context.Invocation.Message ?? "");
        if (type == typeof(byte[])) return context => System.Text.Encoding.UTF8.GetBytes(context.Invocation.Message ?? "");
        if (type.IsClass && type != typeof(object)) return context => JsonSerializer.Deserialize(context.Invocation.Message ?? "null", type, MessageJson);
        throw new InvalidOperationException($"{where}: a message binds as string, JsonElement, byte[] or a record.");
    }

    /// <summary>
    /// A message's binding data, under the names the Functions host gives them (<c>DeliveryCount</c>, <c>MessageId</c>,
    /// <c>ApplicationProperties</c>) and the retry model's two: what a parameter of that name and type gets.
    /// </summary>
    internal static readonly (string Name, Type Type, string TypeName, Func<Invocation, object?> Read)[] MessageBindingData =
    [
        ("DeliveryCount", typeof(int), "int", invocation => invocation.DeliveryCount),
        ("MessageId", typeof(string), "string", invocation => invocation.MessageId),
        ("ApplicationProperties", typeof(IReadOnlyDictionary<string, string>), "IReadOnlyDictionary<string, string>", invocation => invocation.Properties),
        ("Attempt", typeof(int), "int", invocation => invocation.Attempt),
        ("IsLastAttempt", typeof(bool), "bool", invocation => invocation.IsLastAttempt),
    ];

    private static Func<InvocationFunctionContext, object?> MessageData(ParameterInfo parameter, string where)
    {
        foreach (var (name, type, _, read) in MessageBindingData)
        {
            if (string.Equals(parameter.Name, name, StringComparison.OrdinalIgnoreCase) && parameter.ParameterType.IsAssignableFrom(type))
                return context => read(context.Invocation);
        }
        throw new InvalidOperationException($"{where}: a message's binding data is " +
                                            string.Join(", ", MessageBindingData.Select(d => $"{d.Name} ({d.TypeName})")) + ".");
    }

    private static Func<InvocationFunctionContext, object?> RouteValue(ParameterInfo parameter, string where)
    {
        var name = parameter.Name!;
        var parse = Parser(parameter.ParameterType, where);
        var fallback = parameter.HasDefaultValue ? parameter.DefaultValue : null;
        return context => context.Invocation.Request!.RouteParams.TryGetValue(name, out var text) ? parse(text) : fallback;
    }

    private static Func<string, object?> Parser(Type type, string where)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string)) return text => text;
        if (underlying == typeof(int)) return text => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
        if (underlying == typeof(long)) return text => long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
        if (underlying == typeof(Guid)) return text => Guid.Parse(text);
        throw new InvalidOperationException($"{where}: a route value binds as string, int, long or Guid.");
    }
}
