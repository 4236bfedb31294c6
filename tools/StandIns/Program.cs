using Pipeline.Testing;

// Usage: StandIns --intercom-port <port> --iadvize-port <port>
// Runs until stopped (SIGTERM or Ctrl-C); prints one line per request each stand-in receives.
var intercomPort = PortArgument("--intercom-port");
var iadvizePort = PortArgument("--iadvize-port");
if (intercomPort is null || iadvizePort is null)
{
    Console.Error.WriteLine("usage: StandIns --intercom-port <port> --iadvize-port <port>");
    return 2;
}

using var intercom = new IntercomStandIn(intercomPort);
using var iadvize = new IAdvizeStandIn(iadvizePort);
StandInServer.PrintRequests(intercom.Server, "intercom", Console.Out);
StandInServer.PrintRequests(iadvize.Server, "iadvize", Console.Out);
Console.WriteLine($"stand-ins: Intercom on {intercom.Url}, iAdvize on {iadvize.BaseUrl} (accepts the API key " +
                  $"{IAdvizeStandIn.GoodKey}); every request they receive is printed here");

var stopped = new TaskCompletionSource();
using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stopped.TrySetResult(); });
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stopped.TrySetResult(); };
await stopped.Task;
return 0;

int? PortArgument(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var port) && port is > 0 and < 65536 ? port : null;
}
