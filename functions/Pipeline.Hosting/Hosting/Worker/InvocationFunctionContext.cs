using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;

namespace Pipeline.Functions.Hosting.Worker;

/// <summary>
/// The worker's <see cref="FunctionContext"/> for one invocation either host delivered, carrying it as an
/// <see cref="InvocationFeature"/> for the middleware. Everything a function may not ask for (binding data, items,
/// the trace context) is built on first use, from the invocation as the middleware left it.
/// </summary>
internal sealed class InvocationFunctionContext(Microsoft.Azure.Functions.Worker.FunctionDefinition definition,
    InvocationFeature invocation, IServiceProvider services, CancellationToken cancellationToken) : FunctionContext
{
    private string? _invocationId;
    private BindingContext? _bindingContext;
    private IDictionary<object, object>? _items;
    private IInvocationFeatures? _features;
    private TraceContext? _traceContext;

    private InvocationHttpRequest? _request;
    private IServiceProvider? _instanceServices;
    private List<string>? _logs;
    private readonly Lock _logsLock = new();

    public Invocation Invocation => invocation.Invocation;

    /// <summary>The HTTP request of an HTTP-triggered invocation, made once however many parameters ask for it.</summary>
    public InvocationHttpRequest? HttpRequest =>
        _request ??= Invocation.Request is { } request ? new InvocationHttpRequest(this, request) : null;

    public override string InvocationId => _invocationId ??= Guid.NewGuid().ToString();

    public override string FunctionId => definition.Id;

    public override TraceContext TraceContext => _traceContext ??= new ActivityTraceContext(Activity.Current);

    public override BindingContext BindingContext => _bindingContext ??= new InvocationBindingContext(this);

    /// <summary>None: retries are the app's own model (new messages), not the host's retry policy.</summary>
    public override RetryContext RetryContext => null!;

    /// <summary>The app's services, with a logger factory whose loggers write the invocation's logs.</summary>
    public override IServiceProvider InstanceServices
    {
        get => _instanceServices ??= new InvocationServices(services, this);
        set => _instanceServices = value;
    }

    /// <summary>The lines logged through the context's loggers, in order.</summary>
    public IReadOnlyList<string> Logs => _logs ?? (IReadOnlyList<string>)[];

    public void AddLog(string line)
    {
        // A function may log from tasks it started; lines stay whole and in the order they were written.
        lock (_logsLock) (_logs ??= []).Add(line);
    }

    public override Microsoft.Azure.Functions.Worker.FunctionDefinition FunctionDefinition => definition;

    public override IDictionary<object, object> Items
    {
        get => _items ??= new Dictionary<object, object>();
        set => _items = value;
    }

    public override IInvocationFeatures Features => _features ??= new InvocationFeatures(invocation);

    public override CancellationToken CancellationToken => cancellationToken;

    private sealed class ActivityTraceContext(Activity? activity) : TraceContext
    {
        public override string TraceParent => activity?.Id ?? "";
        public override string TraceState => activity?.TraceStateString ?? "";
    }

    /// <summary>The invocation's feature in a field (every middleware asks for it), any other in a dictionary made on first use.</summary>
    private sealed class InvocationFeatures(InvocationFeature invocation) : IInvocationFeatures
    {
        private InvocationFeature? _invocation = invocation;
        private Dictionary<Type, object>? _features;

        public T Get<T>()
        {
            if (typeof(T) == typeof(InvocationFeature)) return (T)(object)_invocation!;
            return _features is not null && _features.TryGetValue(typeof(T), out var feature) ? (T)feature : default!;
        }

        public void Set<T>(T instance)
        {
            if (typeof(T) == typeof(InvocationFeature)) _invocation = (InvocationFeature?)(object?)instance;
            else if (instance is null) _features?.Remove(typeof(T));
            else (_features ??= new())[typeof(T)] = instance;
        }

        public IEnumerator<KeyValuePair<Type, object>> GetEnumerator() =>
            (_invocation is null ? [] : new[] { new KeyValuePair<Type, object>(typeof(InvocationFeature), _invocation) })
            .Concat(_features ?? []).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>
/// The binding data of an invocation, under the names the Functions host gives them: an HTTP request's route
/// values, a message's <c>DeliveryCount</c>, <c>MessageId</c> and <c>ApplicationProperties</c>, and the retry
/// model's <c>Attempt</c> and <c>IsLastAttempt</c>.
/// </summary>
internal sealed class InvocationBindingContext(InvocationFunctionContext context) : BindingContext
{
    private IReadOnlyDictionary<string, object?>? _data;

    public override IReadOnlyDictionary<string, object?> BindingData => _data ??= Read(context.Invocation);

    private static Dictionary<string, object?> Read(Invocation invocation)
    {
        var data = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (invocation.Request is { } request)
        {
            foreach (var (name, value) in request.RouteParams) data[name] = value;
            return data;
        }
        foreach (var (name, _, _, read) in WorkerParameterBinding.MessageBindingData) data[name] = read(invocation);
        return data;
    }
}

/// <summary>The worker's description of a <c>[Function]</c> method, made once at start-up.</summary>
internal sealed class WorkerFunctionDefinition(MethodInfo method, string name, IReadOnlyList<BindingMetadata> bindings)
    : Microsoft.Azure.Functions.Worker.FunctionDefinition
{
    public override ImmutableArray<FunctionParameter> Parameters { get; } =
        [.. method.GetParameters().Select(p => new FunctionParameter(p.Name!, p.ParameterType))];

    public override string PathToAssembly => method.DeclaringType!.Assembly.Location;

    public override string EntryPoint { get; } = $"{method.DeclaringType!.FullName}.{method.Name}";

    public override string Id => name;

    public override string Name => name;

    public override IImmutableDictionary<string, BindingMetadata> InputBindings { get; } =
        bindings.Where(b => b.Direction == BindingDirection.In).ToImmutableDictionary(b => b.Name);

    public override IImmutableDictionary<string, BindingMetadata> OutputBindings { get; } =
        bindings.Where(b => b.Direction == BindingDirection.Out).ToImmutableDictionary(b => b.Name);
}

internal sealed class WorkerBindingMetadata(string name, string type, BindingDirection direction) : BindingMetadata
{
    public override string Name => name;
    public override string Type => type;
    public override BindingDirection Direction => direction;
}
