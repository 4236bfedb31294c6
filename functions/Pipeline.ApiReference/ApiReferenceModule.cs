namespace Pipeline.Functions.ApiReference;

public static class ApiReferenceModule
{
    /// <summary>
    /// The API described: <c>GET /api/openapi.json</c>, generated at start from the function catalogue and every
    /// module's <see cref="IApiDescription"/>, and the page that renders it at <c>GET /api/docs</c>.
    /// </summary>
    public static IServiceCollection AddApiReference(this IServiceCollection services)
    {
        services.AddSingleton<ApiDocument>();
        services.AddHostedService<ApiDocumentAtStart>();
        services.AddFunctionsOf(typeof(ApiReferenceModule).Assembly);
        services.AddApiDescription<ApiReferenceDescription>();
        return services;
    }
}
