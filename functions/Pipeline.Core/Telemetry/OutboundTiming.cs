using System.Diagnostics;
using Microsoft.Extensions.Http;

namespace Pipeline.Functions.Telemetry;

/// <summary>
/// Times every call of every named <see cref="HttpClient"/> (one per destination: <c>intercom</c>, …) as
/// <c>pipeline.outbound.duration</c>. Added last, so it sits nearest the wire: pacing waits are not counted.
/// </summary>
internal sealed class OutboundTimingFilter : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        if (!string.IsNullOrEmpty(builder.Name)) builder.AdditionalHandlers.Add(new OutboundTimingHandler(builder.Name));
    };
}

internal sealed class OutboundTimingHandler(string destination) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            PipelineTelemetry.RecordOutboundDuration(destination, Stopwatch.GetElapsedTime(started), (int)response.StatusCode);
            return response;
        }
        catch (Exception ex)
        {
            PipelineTelemetry.RecordOutboundDuration(destination, Stopwatch.GetElapsedTime(started), null, ex.GetType().Name);
            throw;
        }
    }
}
