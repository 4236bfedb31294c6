using System.Collections.Immutable;
using Azure.Core.Serialization;
using Microsoft.Azure.Functions.Worker;

namespace Pipeline.Testing;

/// <summary>
/// A <see cref="FunctionContext"/> for calling a function method directly, as isolated-worker users test: binding
/// data and items to set, and services that serialize <c>WriteAsJsonAsync</c> answers as the app does.
/// </summary>
public sealed class TestFunctionContext : FunctionContext
{
    public TestFunctionContext(string functionName = "Test", IServiceProvider? services = null,
        IReadOnlyDictionary<string, object?>? bindingData = null, CancellationToken cancellationToken = default)
    {
        FunctionDefinition = new TestFunctionDefinition(functionName);
        InstanceServices = services ?? DefaultServices();
        BindingContext = new TestBindingContext(bindingData ?? new Dictionary<string, object?>());
        CancellationToken = cancellationToken;
    }

    public override string InvocationId { get; } = Guid.NewGuid().ToString();
    public override string FunctionId => FunctionDefinition.Id;
    public override TraceContext TraceContext { get; } = new TestTraceContext();
    public override BindingContext BindingContext { get; }
    public override RetryContext RetryContext => null!;
    public override IServiceProvider InstanceServices { get; set; }
    public override FunctionDefinition FunctionDefinition { get; }
    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();
    public override IInvocationFeatures Features { get; } = new TestFeatures();
    public override CancellationToken CancellationToken { get; }

    private static ServiceProvider DefaultServices() => new ServiceCollection()
        .Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))
        .BuildServiceProvider();

    private sealed class TestFunctionDefinition(string name) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];
        public override string PathToAssembly => typeof(TestFunctionDefinition).Assembly.Location;
        public override string EntryPoint => name;
        public override string Id => name;
        public override string Name => name;
        public override IImmutableDictionary<string, BindingMetadata> InputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
        public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
    }

    private sealed class TestBindingContext(IReadOnlyDictionary<string, object?> data) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData => data;
    }

    private sealed class TestTraceContext : TraceContext
    {
        public override string TraceParent => "";
        public override string TraceState => "";
    }

    private sealed class TestFeatures : IInvocationFeatures
    {
        private readonly Dictionary<Type, object> _features = new();
        public T Get<T>() => _features.TryGetValue(typeof(T), out var f) ? (T)f : default!;
        public void Set<T>(T instance) => _features[typeof(T)] = instance!;
        public IEnumerator<KeyValuePair<Type, object>> GetEnumerator() => _features.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
