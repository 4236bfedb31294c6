namespace Pipeline.Functions.Hosting;

/// <summary>What a function receives, whichever host delivered it.</summary>
public sealed record Invocation
{
    public required string FunctionName { get; init; }

    /// <summary>Set for HTTP-triggered functions.</summary>
    public InvocationRequest? Request { get; init; }

    /// <summary>Set for queue-triggered functions: the message body as JSON text.</summary>
    public string? Message { get; init; }

    /// <summary>How many times this message has been delivered, this delivery included (1 on the first).</summary>
    public int DeliveryCount { get; init; } = 1;

    public string? MessageId { get; init; }

    /// <summary>The message's application properties (type, subject, the retry model's attempt count …).</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>Which attempt of its consumer this message is (1 on the first); retries are new messages.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>Set by the dispatcher from the consumer's retry policy: a failure now is final.</summary>
    public bool IsLastAttempt { get; init; }
}

public sealed class InvocationRequest
{
    public required string Method { get; init; }
    public required string Url { get; init; }
    public IReadOnlyDictionary<string, string> RouteParams { get; init; } = new Dictionary<string, string>();

    /// <summary>Query values; repeated keys keep every value in order.</summary>
    public IReadOnlyDictionary<string, string[]> Query { get; init; } = new Dictionary<string, string[]>();

    public IReadOnlyDictionary<string, string[]> Headers { get; init; } =
        new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);

    private string? _body;
    private ReadOnlyMemory<byte>? _rawBody;

    /// <summary>The body as text (UTF-8). Given only <see cref="RawBody"/>, it is decoded from those bytes.</summary>
    public string Body
    {
        get => _body ??= _rawBody is { } raw ? Encoding.UTF8.GetString(raw.Span) : "";
        init => _body = value;
    }

    /// <summary>
    /// The body exactly as the caller sent it, for signatures over the raw bytes. Given only <see cref="Body"/>,
    /// it is that text in UTF-8 (what the Functions host's decoding of a UTF-8 body gives back; README, raw bodies).
    /// </summary>
    public ReadOnlyMemory<byte> RawBody
    {
        get => _rawBody ??= Encoding.UTF8.GetBytes(_body ?? "");
        init => _rawBody = value;
    }

    public string? Header(string name) => Headers.TryGetValue(name, out var values) && values.Length > 0 ? values[0] : null;
}

public sealed record InvocationResponse(int StatusCode, string Body, string ContentType = "application/json")
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// What a function produces: an HTTP response (HTTP functions), queue messages per output binding, logs. (Not the
/// worker's InvocationResult, the value a middleware reads back; the bridge turns a method's outputs into this.)
/// </summary>
public sealed class FunctionResult
{
    public InvocationResponse? Response { get; init; }

    /// <summary>Messages per output binding name, each a JSON document.</summary>
    public Dictionary<string, List<OutputMessage>> Messages { get; } = new();

    public List<string> Logs { get; } = new();

    public static FunctionResult Http(InvocationResponse response) => new() { Response = response };

    public static FunctionResult Done() => new();

    /// <param name="messageId">The broker's message id; by default the envelope's id, else a hash of the message.</param>
    public FunctionResult Send(QueueOutput output, JsonElement message, string? messageId = null) =>
        Send(output, new OutputMessage(message) { MessageId = messageId });

    public FunctionResult Send(QueueOutput output, OutputMessage message)
    {
        if (!Messages.TryGetValue(output.BindingName, out var list))
            Messages[output.BindingName] = list = new List<OutputMessage>();
        list.Add(message);
        return this;
    }

    public FunctionResult Log(string line)
    {
        Logs.Add(line);
        return this;
    }
}

/// <summary>One message a function sends on an output.</summary>
public sealed record OutputMessage(JsonElement Body)
{
    public string? MessageId { get; init; }

    /// <summary>Sent to a topic: the one subscription it is for (a replay), instead of every matching one.</summary>
    public string? To { get; init; }
}
