namespace Pipeline.Functions.Health;

/// <summary>
/// Whether the host has lately refused new work (the local host past <c>LocalHost__MaxBacklog</c>): a backlog held
/// flat at its limit does not grow, yet callers are being turned away, which health must say (a soak saw "healthy"
/// over minutes of 503s). The host reports each refusal; health reads the last one for <see cref="Window"/>.
/// </summary>
public sealed class IntakeHealth(TimeProvider clock)
{
    /// <summary>As long as a refused caller is asked to wait before trying again.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private Refusal? _last;

    public void ReportRefused(string reason) => _last = new Refusal(clock.GetUtcNow(), reason);

    /// <summary>Why new work was refused within the window; null when it was not.</summary>
    public string? Refusing => _last is { } last && clock.GetUtcNow() - last.At < Window
        ? $"new work was refused {(clock.GetUtcNow() - last.At).TotalSeconds:0} s ago: {last.Reason}"
        : null;

    private sealed record Refusal(DateTimeOffset At, string Reason);
}
