namespace Pipeline.Functions.Hosting;

/// <summary>The error shape of the webhooks, metrics and admin APIs.</summary>
public sealed record ErrorAnswer(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("message")] string Message);

/// <summary>What the hosts answer before or instead of a function (an unreadable body, an unexpected failure): the push API's shape.</summary>
public sealed record CallerErrorAnswer(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The admin API's 4xx: the error, the parameter or field at fault, and what is wrong with it.</summary>
public sealed record AdminProblem(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The answers the pipeline's core writes itself; each module has its own context for its answers.</summary>
[JsonSerializable(typeof(ErrorAnswer))]
[JsonSerializable(typeof(CallerErrorAnswer))]
[JsonSerializable(typeof(AdminProblem))]
public sealed partial class AnswerJson : JsonSerializerContext;
