using System.Diagnostics;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Pipeline.Functions.Telemetry;

/// <summary>
/// OpenTelemetry in one place: traces, metrics and logs, exported to Azure Monitor when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set and over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (the OTLP exporter reads the other standard <c>OTEL_*</c> variables itself); with neither, nothing leaves the process.
/// </summary>
public static class TelemetrySetup
{
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string DefaultServiceName = "pipeline";

    public static IHostApplicationBuilder AddPipelineTelemetry(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        // Registered before the host is built by a test (or any embedding app): exporters that must see spans and
        // logs after the redaction processors, exactly where the production exporters sit.
        var extra = services.LastOrDefault(d => d.ServiceType == typeof(TelemetryExporters))?.ImplementationInstance as TelemetryExporters;

        var toAzureMonitor = configuration[AzureMonitorSetting] is { Length: > 0 };
        var toOtlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]);
        var exporting = toAzureMonitor || toOtlp || extra is not null;

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"])) resource.AddService(DefaultServiceName);
            })
            .WithTracing(tracing =>
            {
                tracing.AddProcessor(new Redaction.SpanProcessor());
                tracing.AddSource(PipelineTelemetry.Name);
                tracing.AddAspNetCoreInstrumentation(o => o.RecordException = false);
                tracing.AddHttpClientInstrumentation(o =>
                {
                    o.RecordException = false;
                    // Calls made inside an invocation (the destination's, storage's); not the local host's idle queue polling.
                    o.FilterHttpRequestMessage = _ => Activity.Current is { } call && call.ParentSpanId != default;
                });
                extra?.Tracing?.Invoke(tracing);
                // Exporting nothing, spans are not recorded; they still carry the trace context from hop to hop.
                if (!exporting) tracing.SetSampler(new AlwaysOffSampler());
            });
        if (!exporting) return builder;

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, OutboundTimingFilter>());
        otel.WithMetrics(metrics =>
            {
                metrics.AddMeter(PipelineTelemetry.Name);
                metrics.AddAspNetCoreInstrumentation();
                metrics.AddHttpClientInstrumentation();
                extra?.Metrics?.Invoke(metrics);
            })
            .WithLogging(logging =>
            {
                logging.AddProcessor(new Redaction.LogProcessor());
                extra?.Logging?.Invoke(logging);
            }, options =>
            {
                options.IncludeScopes = true; // the event id of a queue invocation
                options.IncludeFormattedMessage = true;
            });

        if (toAzureMonitor) otel.UseAzureMonitorExporter(o => o.ConnectionString = configuration[AzureMonitorSetting]);
        if (toOtlp) otel.UseOtlpExporter();
        return builder;
    }
}

/// <summary>Extra exporters (tests register in-memory ones), added after the redaction processors.</summary>
public sealed class TelemetryExporters
{
    public Action<TracerProviderBuilder>? Tracing { get; init; }
    public Action<MeterProviderBuilder>? Metrics { get; init; }
    public Action<LoggerProviderBuilder>? Logging { get; init; }
}
