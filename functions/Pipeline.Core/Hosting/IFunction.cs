namespace Pipeline.Functions.Hosting;

/// <summary>
/// One function of the app as the catalog lists it: its declaration, from which function.json, the local host's
/// routes, queues and timers, and the API document are made. Every function is a <c>[Function]</c> method, and the
/// bridge that found it is what runs it.
/// </summary>
public interface IFunction
{
    FunctionBindings Definition { get; }
}
