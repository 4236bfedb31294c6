namespace Pipeline.Functions.Hosting.Worker;

/// <summary>
/// What the worker's <c>context.GetLogger(…)</c> gives a function: lines at Information and above are the
/// invocation's logs (the custom handler's <c>Logs</c>, the local host's lines for the function), as the isolated
/// worker sends a function's logs to the host; below Information they go to the app's own logging.
/// </summary>
internal sealed class InvocationServices(IServiceProvider services, InvocationFunctionContext context) : IServiceProvider
{
    private InvocationLoggerFactory? _loggers;

    public object? GetService(Type serviceType) =>
        serviceType == typeof(ILoggerFactory)
            ? _loggers ??= new InvocationLoggerFactory(services.GetRequiredService<ILoggerFactory>(), context)
            : services.GetService(serviceType);

    private sealed class InvocationLoggerFactory(ILoggerFactory factory, InvocationFunctionContext context) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new InvocationLogger(factory.CreateLogger(categoryName), context);

        public void AddProvider(ILoggerProvider provider) => factory.AddProvider(provider);

        public void Dispose()
        {
            // The app's factory outlives every invocation.
        }
    }

    private sealed class InvocationLogger(ILogger logger, InvocationFunctionContext context) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logger.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information || logger.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Information) context.AddLog(formatter(state, exception));
            else logger.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
