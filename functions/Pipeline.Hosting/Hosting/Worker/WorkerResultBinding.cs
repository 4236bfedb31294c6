using System.Linq.Expressions;
using System.Reflection;

namespace Pipeline.Functions.Hosting.Worker;

/// <summary>
/// Turns what a <c>[Function]</c> method returned into today's <see cref="FunctionResult"/>: an
/// <see cref="HttpResponseData"/> is the HTTP answer; an output class gives its <c>[HttpResult]</c> property as the
/// answer and each Service Bus output property as messages for the dispatcher to send. A message is JSON (a
/// <see cref="JsonElement"/>, or text), an <see cref="OutputMessage"/> (to set its message id, or to address one
/// subscription of a topic), a record serialized as the app writes messages, or a sequence of these; null sends nothing.
/// </summary>
internal static class WorkerResultBinding
{
    public static Func<object?, FunctionResult> For(Type? resultType, WorkerFunctionDeclaration declaration)
    {
        if (resultType is null) return _ => FunctionResult.Done();
        if (typeof(HttpResponseData).IsAssignableFrom(resultType))
            return value => value is HttpResponseData response ? Answer(response) : FunctionResult.Done();
        if (declaration.ReturnOutput is { } returnOutput)
        {
            var send = Sender(resultType);
            return value =>
            {
                var result = FunctionResult.Done();
                send(value, result, returnOutput);
                return result;
            };
        }

        var answer = resultType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.IsDefined(typeof(HttpResultAttribute)))
            .Select(Getter)
            .SingleOrDefault();
        var outputs = declaration.OutputProperties
            .Select(o => (Get: Getter(o.Property), Send: Sender(o.Property.PropertyType), o.Output))
            .ToArray();
        if (answer is null && outputs.Length == 0)
            throw new InvalidOperationException($"{declaration.Definition.Name} returns {resultType.Name}, which has no [HttpResult] or output property.");
        return value =>
        {
            if (value is null) return FunctionResult.Done();
            var result = answer?.Invoke(value) is HttpResponseData response ? Answer(response) : FunctionResult.Done();
            foreach (var output in outputs) output.Send(output.Get(value), result, output.Output);
            return result;
        };
    }

    /// <summary>An HTTP answer as the hosts take it.</summary>
    internal static FunctionResult Answer(HttpResponseData response) =>
        FunctionResult.Http(InvocationHttpResponse.ToInvocationResponse(response));

    /// <summary>The property's getter, compiled when first read (start-up stays free of compiling).</summary>
    private static Func<object, object?> Getter(PropertyInfo property)
    {
        Func<object, object?>? compiled = null;
        return instance => (compiled ??= Compile(property))(instance);
    }

    private static Func<object, object?> Compile(PropertyInfo property)
    {
        var instance = Expression.Parameter(typeof(object), "instance");
        var read = Expression.Property(Expression.Convert(instance, property.DeclaringType!), property);
        return Expression.Lambda<Func<object, object?>>(Expression.Convert(read, typeof(object)), instance).Compile();
    }

    /// <summary>How values of <paramref name="type"/> become messages, chosen once.</summary>
    private static Action<object?, FunctionResult, QueueOutput> Sender(Type type)
    {
        if (type == typeof(JsonElement) || type == typeof(JsonElement?))
            return (value, result, output) => { if (value is JsonElement e) result.Send(output, e); };
        if (type == typeof(string))
            return (value, result, output) => { if (value is string text) result.Send(output, RequestBodies.ParseJson(text)); };
        if (type == typeof(OutputMessage))
            return (value, result, output) => { if (value is OutputMessage m) result.Send(output, m); };
        if (type != typeof(string) && type.GetInterfaces().Append(type).FirstOrDefault(IsEnumerable) is { } enumerable)
        {
            var send = Sender(enumerable.GetGenericArguments()[0]);
            return (value, result, output) =>
            {
                if (value is not System.Collections.IEnumerable items) return;
                foreach (var item in items) send(item, result, output);
            };
        }
        return (value, result, output) =>
        {
            if (value is not null) result.Send(output, JsonSerializer.SerializeToElement(value, type, WorkerParameterBinding.MessageJson));
        };
    }

    private static bool IsEnumerable(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>);
}
